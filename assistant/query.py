"""Query understanding without an LLM: councils, years and judgement areas named in a question become
filters and boosts; the domain glossary widens the words searched; follow-ups inherit from earlier turns."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.models import Filters
from assistant.text import cut_at_word

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.json"
ABBREVIATIONS_FILE = Path(__file__).parent / "data" / "abbreviations.json"

# Place names that are also everyday words: only recognised when written with a capital letter.
_COMMON_WORDS = {"reading", "bury", "bath", "hull", "poole", "kent", "brent", "sutton", "derby", "halton", "wigan",
                 "bucks", "staffs", "hants"}
_COUNCIL_TITLE_BEFORE = re.compile(r"(?:\b(?:the\s+)?(?:london\s+borough|royal\s+borough|metropolitan\s+borough|"
                                   r"borough|city|county)\s+(?:council\s+)?of\s+)$", re.I)
_COUNCIL_TITLE_AFTER = re.compile(r"(?:\s+(?:metropolitan\s+)?(?:city|county|borough|district)?\s*council\b|"
                                  r"\s+city\b)", re.I)
# Words that start many council names and so identify none of them.
_GENERIC = {"north", "south", "east", "west", "city", "isle", "isles", "county", "borough", "royal", "greater",
            "central", "new", "the", "of", "and", "upon", "on", "le", "in"}
_MANUAL_SHORT_FORMS = {
    "b&nes": "Bath and North East Somerset",
    "banes": "Bath and North East Somerset",
    "bcp": "Bournemouth, Christchurch and Poole",
    "rbkc": "Kensington and Chelsea",
    "hull": "Kingston upon Hull",
    "brighton": "Brighton and Hove",
    # The county abbreviations of everyday English (postal and press usage), each naming one council.
    "bucks": "Buckinghamshire",
    "herts": "Hertfordshire",
    "notts": "Nottinghamshire",
    "lancs": "Lancashire",
    "leics": "Leicestershire",
    "glos": "Gloucestershire",
    "oxon": "Oxfordshire",
    "wilts": "Wiltshire",
    "hants": "Hampshire",
    "cambs": "Cambridgeshire",
    "worcs": "Worcestershire",
    "staffs": "Staffordshire",
    "derbys": "Derbyshire",
    "lincs": "Lincolnshire",
}

AREA_WORDS = {
    "care_leavers": r"care[- ]leavers?|leaving care|pathway plans?|staying put|staying close|care[- ]experienced",
    "children_in_care": r"children in care|looked[- ]after|\blac\b|\bcic\b|foster(?:ing|ed| carers?)?|permanence|adoption|placements?",
    "help_and_protection": r"help and protection|child protection|front door|\bmash\b|referrals?|strategy (?:meetings?|discussions?)|early help|children in need|\bcin\b|thresholds?",
    "impact_of_leaders": r"\bleaders?\b|leadership|management oversight|supervision|workforce|caseloads?|quality assurance|\bdcs\b|political",
    "overall_effectiveness": r"overall effectiveness|overall (?:grade|judgement|rating)",
}

_STOP = set("""a an the of in on at to for by with and or but is are was were be been being do does did what which who whom
whose how when where why that this these those there their they them it its as about from into than then so such any
all some most more less much many can could should would will shall may might must have has had not no yes said say
says tell me us our we you your i my inspectors inspector inspection inspections report reports ofsted council
councils local authority authorities la las did about describe described judged rated graded say said find found
show give list like look looks happen happened after against latest newest recent
done doing properly decent decently job""".split())
# "done", "doing", "properly", "decent", "job": how people ask for a verdict ("are RHIs being done properly?"),
# about no topic; as concepts they halved the evidence coverage of well-matched questions and refused them.

# Names people use for the framework documents -> a word of the file or title that identifies it.
DOCUMENT_NAMES = {
    r"working together(?: to safeguard children)?(?: 2023)?|\bwt ?2023\b": "working together",
    r"(?:children'?s social care )?national framework": "national framework",
    r"\bsccif\b|social care common inspection framework": "sccif",
    r"\bkcsie\b|keeping children safe in education": "keeping children safe",
    r"\biro handbook\b": "iro handbook",
    r"enforcement policy": "enforcement policy",
    r"(?:guide to the )?children'?s homes regulations|quality standards": "homes regulations",
    r"children and social work act(?: 2017)?": "social work act",
}
# Names that are also the topic ("How many quality standards must a home meet?"): they choose the document and
# stay among the words searched.
TOPICAL_NAMES = re.compile(r"quality standards", re.I)

# How to name each of them to the user.
DOCUMENT_TITLES = {
    "working together": "Working Together to Safeguard Children", "national framework": "the National Framework",
    "sccif": "the SCCIF", "keeping children safe": "Keeping Children Safe in Education", "iro handbook": "the IRO handbook",
    "enforcement policy": "Ofsted's enforcement policy", "homes regulations": "the children's homes regulations guide",
    "social work act": "the Children and Social Work Act 2017",
}

# "How often / how soon / how quickly ..." asks for a time limit or a frequency: a passage stating one answers it.
TIMING = re.compile(r"\bhow (?:often|soon|quickly|long|frequently)\b|\bwithin how\b|\bdeadlines?\b|\btime ?limits?\b|"
                    r"\btimescales?\b|\bby when\b|\bwhen (?:must|should|do|does)\b", re.I)
# Questions about what must or should happen are usually answered by the statutory guidance.
NORMATIVE = re.compile(
    r"\b(?:must|should|have to|has to|required?|requirements?|statutory|duty|duties|regulations?|guidance|legally|law|"
    r"how (?:often|soon|long|quickly|many)|within how|what does the (?:law|guidance)|what age|up to (?:the )?age|"
    r"entitled|eligib\w+|allowed|permitted|appeal against|deadlines?|time ?limits?|timescales?|"
    r"what(?:'s| is) a reasonable|maximum|unannounced|told in advance|qualifications?|count as|counts as)\b"
    # "Can a care leaver ...?", "May the council ...?": asking what is permitted (not "Can you show me ...?").
    r"|^\W*(?:can|may)\s+(?:a|an|the|ofsted|schools?|councils?|local authorit\w+|parents?|carers?|providers?)\b",
    re.I)

# Questions about places outside England: the indexed reports are of English councils only.
# Judgements by other inspectorates and other kinds of inspection: the indexed reports are Ofsted's inspections
# of councils' children's services, so a question that asks for one of these is not answered from them
# (they mention the CQC, adult social care or SEND, so the words alone must not refuse a question).
OUTSIDE_REMIT = {
    "CQC ratings": re.compile(r"\b(?:cqc|care quality commission)\b.{0,40}\b(?:rating|rated|grade|graded)\b"
                              r"|\b(?:rating|rated|grade|graded)\b.{0,40}\b(?:cqc|care quality commission)\b", re.I),
    "adult social care assessments": re.compile(
        r"\badult social care\b.{0,40}\b(?:rating|rated|assess(?:ment|ed)|grade|inspect\w*)\b"
        r"|\b(?:rating|rated|assessment|grade)\b.{0,40}\badult social care\b", re.I),
    "HM Inspectorate of Probation's inspections": re.compile(r"\binspectorate of probation\b", re.I),
    "SEND local area inspections": re.compile(r"\bsend local area\b|\blocal area send\b|\bwritten statement of action\b",
                                              re.I),
    "schools' inspections": re.compile(
        r"\b(?:high|primary|secondary|infant|junior|grammar|free) school'?s?\b.{0,40}\b(?:grade|rated|rating|inspection)\b"
        r"|\b(?:grade|rated|rating)\b.{0,40}\b(?:high|primary|secondary|infant|junior|grammar|free) school\b", re.I),
    "ratings of independent fostering agencies": re.compile(
        r"\bindependent fostering agenc(?:y|ies)\b.{0,60}\b(?:rated|rating|grade|outstanding|good|inadequate)\b", re.I),
}

OUTSIDE_ENGLAND = re.compile(
    r"\b(?:scotland|scottish|northern ireland|isle of man|jersey|guernsey|care inspectorate(?: wales)?|"
    r"estyn|rqia)\b", re.I)

# Everyday words for strengths and weaknesses. They say what kind of finding is wanted, not what about, so they
# are no concept of the topic (detected["tone"] keeps them for composing the answer).
EVALUATIVE = {
    "weakness": re.compile(
        r"\b(?:go(?:ing|ne)? wrong|(?:what'?s|what is|anything|is|are) wrong|wrong with|struggl\w*|"
        r"fall(?:ing|en)? (?:behind|apart|short)|fell (?:behind|apart|short)|"
        r"fail(?:ing|ed|s)?|weak(?:ness(?:es)?)?|problems?|worries|worried|shortcomings?|bad(?:ly)?|"
        r"not (?:working|good enough|doing well)|what needs to improve|areas? for improvement)\b", re.I),
    "strength": re.compile(
        r"\b(?:do(?:ing|es)? well|works? well|working well|what works(?: well)?|strengths?|good at|excel\w*|"
        r"succeed\w*|successful(?:ly)?)\b", re.I),
}
def _toneless(text: str, detected: dict) -> str:
    return evaluative_tone(text)[1] if detected.get("tone") else text


def evaluative_tone(text: str) -> tuple[str | None, str]:
    """("weakness" | "strength" | None, the text without its evaluative words)."""
    for tone, pattern in EVALUATIVE.items():
        if pattern.search(text):
            return tone, pattern.sub(" ", text)
    return None, text


# A question across councils, or about the country, keeps no council from an earlier turn.
# "all", "any" and "every" only before a council: "are their PLO letters any good?" and "are all children seen?"
# are about the council asked about.
_ACROSS_COUNCILS = re.compile(
    r"\b(?:other|elsewhere|nationally|across|england|country)\b"
    r"|\b(?:councils|local authorities|authorities|las)\b|\b(?:a|each|any|every) (?:other )?(?:council|local authority)\b",
    re.I)
# Words that point back at a council named before ("What did they say about care leavers there?").
_POINTS_BACK = re.compile(r"\b(?:there|that council|they|them|those|this council)\b", re.I)
_FOLLOWUP = re.compile(r"^\s*(?:and|what about|how about|and what about|same for|also|there|they|then)\b|"
                       + _POINTS_BACK.pattern, re.I)
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
# "What does the latest report say about IROs there?": the council's newest report, not all of them.
_LATEST = re.compile(r"\b(?:latest|most recent|newest)(?: ofsted)? (?:report|inspection|ilacs|judgement inspection)\b", re.I)
# "How has Kent improved since its latest inspection?" compares reports: it keeps them all.
_COMPARES_REPORTS = re.compile(r"\b(?:since|previous|earlier|before|compared?|than|improved|changed)\b", re.I)
_PLACE_CANDIDATE = re.compile(
    r"\b(?:in|at|for|of|from|about)\s+((?:[A-Z][a-z]+(?:[- ](?:upon|on|and|under|le|[A-Z][a-z]+))*))"
    r"|\b((?:[A-Z][a-z]+\s)*[A-Z][a-z]+)\s+(?:City |County |Borough )?Council\b"
)


@dataclass
class Understanding:
    question: str
    search_text: str  # what BM25 searches first: the topic words (inherited ones included)
    dense_text: str  # what the embedder reads
    filters: Filters
    detected: dict = field(default_factory=dict)
    areas: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # the content words that define the topic
    expansions: list[str] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    truncated: bool = False
    expansion_text: str = ""  # glossary equivalents, searched as a second, lighter BM25 list
    concepts: list[list[str]] = field(default_factory=list)  # each: the user's words, then equivalents
    documents: list[str] = field(default_factory=list)  # framework documents named in the question


@lru_cache(maxsize=4)
def load_glossary(path: str = str(GLOSSARY_FILE), grown: str = str(ABBREVIATIONS_FILE)) -> list[list[str]]:
    """The hand-written glossary, grown by the abbreviations the documents define (scripts/grow_glossary.py):
    each joins the group of its long form, or makes a group of its own. The hand-written entries win."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    groups = [[t.lower() for t in group] for group in data["groups"]]
    known = {t for group in groups for t in group}
    for abbreviation, long_form in _grown_abbreviations(grown):
        if abbreviation in known:
            continue
        home = next((g for g in groups if long_form in g), None)
        if home is not None:
            home.append(abbreviation)
        else:
            groups.append([long_form, abbreviation])
        known |= {abbreviation, long_form}
    return groups


@lru_cache(maxsize=4)
def _grown_abbreviations(grown: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(pair) for pair in json.loads(Path(grown).read_text(encoding="utf-8"))["groups"])


@lru_cache(maxsize=4)
def written_in_capitals(grown: str = str(ABBREVIATIONS_FILE)) -> frozenset[str]:
    """The grown abbreviations: recognised only when written in capitals ("PEP", not "pep talk")."""
    return frozenset(a for a, _ in _grown_abbreviations(grown))


def find_concepts(text: str, glossary: list[list[str]]) -> list[list[str]]:
    """The question's topic as concepts: glossary phrases first (longest wins), then each other content word.

    Each concept lists the user's own wording first, then its glossary equivalents."""
    known = {t for group in glossary for t in group}
    # "DCSs", "RHIs", "FGCs": an abbreviation's plural is the abbreviation ("dcss" matches nothing).
    text = re.sub(r"(?<![\w-])([A-Z]{2,})s(?![\w-])",
                  lambda m: m.group(1) if m.group(1).lower() in known else m.group(0), text)
    lowered = " " + re.sub(r"[^\w&'-]+", " ", text.lower().replace("\u2019", "'")) + " "
    concepts: list[list[str]] = []
    phrases = sorted(known, key=len, reverse=True)
    cased = written_in_capitals()
    for phrase in phrases:
        # A possessive still names the phrase: "a child in care's plan", "care leavers' homes".
        written = [f" {phrase}{end} " for end in ("", "'s", "'") if f" {phrase}{end} " in lowered]
        if not written:
            continue
        if phrase in cased and not re.search(rf"(?<![\w-]){re.escape(phrase.upper())}s?(?![\w-])", text):
            continue
        group = next(g for g in glossary if phrase in g)
        concepts.append([phrase, *[t for t in group if t != phrase]])
        for form in written:
            lowered = lowered.replace(form, " \u0000 ")
    rest = re.sub(r"(?<=\w)'s(?= )|(?<=s)'(?= )", "", lowered.replace("\u0000", " "))  # "care's" is "care"
    for word in content_terms(rest):
        if not any(word == c[0] for c in concepts):
            concepts.append([word])
    return concepts


def spelled_out(text: str, concepts: list[list[str]]) -> str:
    """The text with each abbreviation the question used written out ("RHIs" -> "return home interviews"):
    the embedder knows the words, not the practitioners' shorthand (Southwark's "are RHIs being done properly"
    was 0.32 from its report's "Return home interviews are not being used consistently")."""
    for concept in concepts:
        short, long = concept[0], next((t for t in concept[1:] if " " in t), None)
        if long is None or " " in short or len(short) > 5:
            continue
        text = re.sub(rf"(?<![\w-]){re.escape(short)}s?(?![\w-])", long, text, flags=re.I)
    return text


class CouncilMatcher:
    """Recognises the councils of the index in free text, including common short forms."""

    def __init__(self, names: list[str]):
        self.names = sorted(set(n for n in names if n))
        aliases: dict[str, set[str]] = {}
        for name in self.names:
            for alias in self._aliases(name):
                aliases.setdefault(alias, set()).add(name)
        for short, full in _MANUAL_SHORT_FORMS.items():
            match = next((n for n in self.names if n.lower() == full.lower()), None)
            if match:
                aliases.setdefault(short, set()).add(match)
        # An alias that could mean two councils identifies neither (Kingston upon Hull / upon Thames).
        self.aliases = {a: next(iter(n)) for a, n in aliases.items() if len(n) == 1}
        ordered = sorted(self.aliases, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w-])(%s)(?![\w-])" % "|".join(re.escape(a) for a in ordered), re.I) if ordered else None

    @staticmethod
    def _aliases(name: str) -> set[str]:
        lowered = name.lower()
        out = {lowered, lowered.replace("-", " "), lowered.replace(" and ", " & "), lowered.replace(",", "")}
        words = re.split(r"[\s,-]+", lowered)
        if len(words) > 1 and words[0] not in _GENERIC and len(words[0]) >= 4:
            out.add(words[0])  # "Stoke", "Telford", "Bath"
        # "City of London" is not "London": "the London Borough of Hackney" names another council.
        if lowered.startswith("city of ") and lowered != "city of london":
            out.add(lowered[8:])
        if lowered.startswith("st "):
            out |= {"st. " + lowered[3:], "saint " + lowered[3:]}
        return out

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(council, start, end) for each mention."""
        if self.pattern is None:
            return []
        found = []
        for m in self.pattern.finditer(text):
            alias = m.group(1).lower()
            if alias in _COMMON_WORDS and not m.group(1)[0].isupper():
                continue
            start, end = m.start(), m.end()
            # "the London Borough of Harrow", "Leeds City Council", "Hull City's": the council's title is part
            # of its name, not words of the question's topic.
            if before := _COUNCIL_TITLE_BEFORE.search(text[:start]):
                start = before.start()
            if after := _COUNCIL_TITLE_AFTER.match(text[end:]):
                end += after.end()
            found.append((self.aliases[alias], start, end))
        return found

    def resolve(self, name: str) -> str | None:
        """An explicit --la value to the indexed council it means, or None."""
        key = name.strip().lower()
        if key in self.aliases:
            return self.aliases[key]
        hits = self.find(name)
        return hits[0][0] if len(hits) == 1 else None


def content_terms(text: str) -> list[str]:
    words = re.findall(r"[a-zA-Z][a-zA-Z'’-]+|s\d+", text)
    out = []
    for w in words:
        lw = w.lower().strip("'’-")
        if lw in _STOP or len(lw) < 3 and not re.match(r"s\d+", lw):
            continue
        out.append(lw)
    return out


def understand(
    question: str,
    councils: CouncilMatcher,
    explicit: Filters | None = None,
    history: list[str] | None = None,
    max_chars: int = 2000,
) -> Understanding:
    explicit = explicit or Filters()
    truncated = len(question) > max_chars
    question = cut_at_word(_sanitise(question), max_chars)
    glossary = load_glossary()
    filters = explicit.model_copy(deep=True)
    detected: dict = {}
    inherited: dict = {}  # what an earlier turn lent this one: shown to the user, who can drop it

    mentions = councils.find(question)
    las = list(dict.fromkeys(name for name, _, _ in mentions))
    # "the National Framework 2023", "the Children and Social Work Act 2017": that year names the document.
    years = [int(y) for y in _YEAR.findall(_without_document_years(question))]
    stripped = question
    for _, s, e in sorted(mentions, key=lambda m: -m[1]):
        # A council's title ("Slough council", "the London Borough of Harrow") leaves "council" behind: a stop
        # word for keyword search, but the embedder reads "the relationship between the council and its trust".
        left = " council " if re.search(r"council|borough|city", stripped[s:e], re.I) else " "
        stripped = stripped[:s] + left + stripped[e:]
    stripped = _YEAR.sub(" ", stripped)
    # "Where is Sandwell struggling with care leavers?": the topic is care leavers, the tone is weakness.
    tone, untoned = evaluative_tone(stripped)
    if tone and content_terms(untoned):
        detected["tone"] = tone
    terms = content_terms(stripped)

    previous = [cut_at_word(_sanitise(h), max_chars) for h in (history or []) if h and h.strip()]
    if previous:
        prev_las: list[str] = []
        prev_years: list[int] = []
        prev_terms: list[str] = []
        last_named: list[str] = []  # the last council a turn named, whatever came after it
        for turn in previous:
            # The scope each earlier turn ended with: its own council, else the one it kept, unless it asked
            # across councils or about the framework (then the conversation's council is dropped).
            turn_las = [n for n, _, _ in councils.find(turn)]
            turn_years = [int(y) for y in _YEAR.findall(turn)]
            if turn_las:
                prev_las = last_named = list(dict.fromkeys(turn_las))
            elif not _keeps_council(turn, Filters()):
                prev_las, prev_years = [], []
            if turn_years:
                prev_years = turn_years
            t = turn
            for _, s, e in sorted(councils.find(turn), key=lambda m: -m[1]):
                t = t[:s] + " " + t[e:]
            turn_terms = content_terms(_YEAR.sub(" ", t))
            if turn_terms:
                prev_terms = turn_terms
        if not prev_las and _POINTS_BACK.search(question):
            # "there" after a question across councils still means the council named before it.
            prev_las = last_named
        if not las and prev_las and not explicit.local_authority and _keeps_council(question, explicit):
            las = prev_las
            inherited["local_authority"] = prev_las
        if not years and prev_years and _FOLLOWUP.search(question) and not terms:
            years = prev_years
            inherited["years"] = sorted(set(prev_years))
        # A question with a topic of its own keeps it ("What did they say about supervision there?"); one
        # with none, or only a scope ("And nationally?", "And in 2022?"), asks about the earlier topic.
        if prev_terms and all(_ACROSS_COUNCILS.fullmatch(t) for t in terms):
            inherited["topic"] = [t for t in prev_terms if t not in terms]
            terms = list(dict.fromkeys(prev_terms + terms))
            detected["inherited_topic"] = True

    unknown = [] if las else _unknown_places(question, councils)
    if not years and _LATEST.search(question) and not _COMPARES_REPORTS.search(question):
        detected["latest"] = True
    if not las and not explicit.kind and NORMATIVE.search(question):
        detected["normative"] = True
    if TIMING.search(question):
        detected["timing"] = True
    remit = next((what for what, pattern in OUTSIDE_REMIT.items() if pattern.search(question)), None)
    if remit:
        detected["outside_remit"] = remit
    outside = OUTSIDE_ENGLAND.search(question)
    if outside and not las:
        detected["outside_england"] = outside.group(0)
    if las and not explicit.local_authority:
        filters.local_authority = las
        detected["local_authority"] = las
    elif explicit.local_authority:
        resolved = [councils.resolve(n) or n for n in explicit.local_authority]
        filters.local_authority = list(dict.fromkeys(resolved))
        named = [n for n in las if n not in filters.local_authority and "local_authority" not in inherited]
        if named:  # the question and the chosen filter disagree: the filter wins, and the user is told
            detected["overridden_local_authority"] = named
    if years and explicit.year_from is None and explicit.year_to is None:
        filters.year_from, filters.year_to = _year_range(question, years)
        detected["years"] = [filters.year_from, filters.year_to]
    elif years and "years" not in inherited:
        asked = _year_range(question, years)
        if asked != (explicit.year_from, explicit.year_to):
            detected["overridden_years"] = list(asked)
    if inherited:
        detected["inherited"] = inherited
        detected["inherited_local_authority"] = "local_authority" in inherited

    documents = []
    for pattern, name in DOCUMENT_NAMES.items():
        if re.search(pattern, stripped, re.I):
            documents.append(name)
            stripped = re.sub(pattern, lambda m: m.group(0) if TOPICAL_NAMES.fullmatch(m.group(0)) else " ",
                              stripped, flags=re.I)
    if documents:
        # A document's name says where to look, not what about: "Working Together ... front door" must not
        # search every passage where partners "work together".
        left = set(content_terms(stripped))
        terms = [t for t in terms if t in left or t in (inherited.get("topic") or [])]
    areas = [area for area, pattern in AREA_WORDS.items() if re.search(pattern, question, re.I)]
    topic = " ".join(terms)
    # The evaluative words stay in the words searched (they find "worries" where inspectors wrote it), but
    # are no concept of the topic: a word the reports never use ("struggling") cannot refuse the question.
    concepts = find_concepts(topic if detected.get("inherited_topic") else _toneless(stripped, detected), glossary)
    expansions = [alt for concept in concepts for alt in concept[1:]]
    search_text = topic
    expansion_text = " ".join(expansions)
    # The embedder reads the question without the council and year, which the filters already enforce.
    dense_text = " ".join(spelled_out(_YEAR.sub(" ", stripped), concepts).split())
    if detected.get("inherited_topic"):
        dense_text = f"{topic} {dense_text}"
    return Understanding(
        question=question, search_text=search_text or question, dense_text=dense_text or question,
        expansion_text=expansion_text,
        filters=filters, detected=detected, areas=areas, terms=terms, expansions=expansions,
        unknown_places=unknown, truncated=truncated, concepts=concepts, documents=documents,
    )


_NAME_YEAR = r"(?:\s*\(?(?:19[89]\d|20\d\d)\)?)?"


def _without_document_years(question: str) -> str:
    """The question with each framework document's name, and a year written with it, blanked out."""
    for pattern in DOCUMENT_NAMES:
        question = re.sub(f"(?:{pattern}){_NAME_YEAR}", lambda m: " " * len(m.group(0)), question, flags=re.I)
    return question


# A duty: what must or should happen is the framework's, not a council's ("how long were children waiting?"
# asks about the council; "how long must ...?" about the rules).
_DUTY = re.compile(r"\b(?:must|should|have to|has to|required?|statutory|duty|duties|regulations?|guidance|legally|law)\b",
                   re.I)


def _keeps_council(question: str, explicit: Filters) -> bool:
    """Whether a question without a council of its own is about the earlier turn's council. A follow-up
    ("and what about ...?", "there", "they") is; so is a question on another topic that names no scope
    ("Are the letters before proceedings clear?"). A question across councils ("How many councils are rated
    inadequate?") or about the framework ("What does Working Together say ...?", "How often must ...?",
    the Documents filter set to framework) is not, unless it points back ("what must they do there?")."""
    if _ACROSS_COUNCILS.search(question) or explicit.kind == "framework":
        return False
    framework = _DUTY.search(question) or any(re.search(p, question, re.I) for p in DOCUMENT_NAMES)
    return not framework or bool(_FOLLOWUP.search(question))


def _sanitise(text: str) -> str:
    """Control characters and NUL bytes out; whitespace folded."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    return " ".join(text.split())


def _year_range(question: str, years: list[int]) -> tuple[int, int]:
    lo, hi = min(years), max(years)
    if len(years) == 1:
        if re.search(rf"\b(?:since|from|after)\s+{lo}\b", question, re.I):
            return lo, 2100
        if re.search(rf"\b(?:before|until|up to)\s+{lo}\b", question, re.I):
            return 1900, lo
    return lo, hi


_NOT_PLACES = {"Ofsted", "England", "English", "The", "What", "How", "When", "Which", "Who", "Did", "Does", "Do",
               "Children", "Working", "Together", "National", "Framework", "Act", "January", "February", "March",
               "April", "May", "June", "July", "August", "September", "October", "November", "December", "SCCIF",
               "KCSIE", "IRO", "I", "A", "An", "Is", "Are", "In", "Keeping", "Social", "Care", "Local", "Authority",
               "Regulations", "Guide", "Handbook", "Section", "Part", "Chapter", "Kingdom", "UK", "Britain",
               "Council", "Councils", "Court", "Family", "Director", "Leaders"}


def _unknown_places(question: str, councils: CouncilMatcher) -> list[str]:
    """Capitalised names that identify no indexed council: in place position ("in Glasgow", "Cardiff
    Council") or any Title-case word after the first. The caller keeps only those the corpus never uses."""
    out = []
    for m in _PLACE_CANDIDATE.finditer(question):
        name = (m.group(1) or m.group(2) or "").strip()
        first = name.split()[0] if name else ""
        if not name or first in _NOT_PLACES or name in _NOT_PLACES:
            continue
        if councils.find(name):
            continue
        out.append(name)
    council_spans = [(s, e) for _, s, e in councils.find(question)]
    for m in re.finditer(r"(?<![\w'’-])([A-Z][a-z]{2,})(?![\w-])", question):
        if m.start() == 0 or question[:m.start()].rstrip().endswith((".", "?", "!", ":", '"')):
            continue  # a sentence's first word is capitalised anyway
        if any(s <= m.start() < e for s, e in council_spans) or m.group(1) in _NOT_PLACES:
            continue
        if not any(m.group(1) in name.split() for name in out):
            out.append(m.group(1))
    return out


# Words that say what form of answer is wanted ("common weaknesses", "what does good look like", "compare"),
# not what it is about: they are no part of the topic that is counted or suggested.
ANSWER_FORM = frozenset("""common commonly typical typically frequent frequently recurring themes theme trends trend
examples example good better best practice look looks like compare compared comparison versus soon quickly often
long many much say says said inspectors inspector findings finding found ofsted reports report judged rated tell
strengths strength weaknesses weakness areas area improvement improve improvements key main councils council
local authorities authority across england nationally why reasons reason outstanding inadequate requires require
required grade grades graded judgement judgements judgment rating ratings
well work works working worked done doing keep keeping kept track tracking time times use used using told tell
telling have having things thing change changed changes next cope coping far got get getting only make made
making lot lots really enough happen happening happened going what's whats much more less any still whether
ask asks asked asking""".split())


def topic_concepts(u: Understanding) -> list[list[str]]:
    """The question's concepts that name its topic (each: the user's words, then equivalents): not the words of
    the answer's form ("common", "well", "told") nor of the council asked about ("Cheshire West")."""
    council_words = {w for name in u.filters.local_authority for w in name.lower().split()}
    return [c for c in u.concepts
            if c and not all(w in ANSWER_FORM or w in council_words for w in c[0].lower().split())]
