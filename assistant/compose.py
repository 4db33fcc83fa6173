"""Composing an answer from verified evidence: the blocks a careful analyst would write for each kind of question.

One interface: `compose(evidence)` turns the verified quotes of a question into blocks (a lead, grouped quotes,
tables, follow-up questions) and numbers their citations in reading order; `plain_text(blocks)` is the one
rendering of blocks as text (the CLI, the JSON `answer` field). The page and the exports render the blocks
themselves; nothing parses text back into structure. A local language model could later replace
`write_lead` (it gets the verified quotes and must cite them); nothing else would change.

How each kind of question is composed (PLANS, chosen by `plan_for`, printed in the README):
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from assistant.domain import (
    AREA_LABELS,
    AREAS,
    STRONG_GRADES,
    WEAK_GRADES,
    grade_rank,
    report_date,
    report_year,
    sort_date,
)
from assistant.answers import (QUALIFIES, cite_span, concept_phrases, concept_weights, match_concepts,
                               opening_sentence, own_wordings, topic_wanted)
from assistant.index import Index
from assistant.models import Citation, DocumentInfo, FollowUps, Lead, Quote, QuoteGroup, Row, Sentence, Table
from assistant.query import Understanding, topic_concepts
from assistant.stance import LABELS, classify
from assistant.quality import junk_reason
from assistant.text import STARTS_WELL, sentence_spans

PLANS = {
    "council": "One council and a topic: the council's judgement of the area the topic belongs to, then the best "
               "sentence; strengths, weaknesses and what needs to improve in its newest report quoted; then how "
               "earlier reports described it, and the area's grades over time.",
    "judgement": "\u201cIs X good at Y\u201d, \u201chow is X doing with Y\u201d: the grade and date first, then "
                 "the sentence that opens the report's section on that area, then strengths and weaknesses.",
    "why": "\u201cWhy was X judged ...\u201d: the judgement, then the report's reasons: its weaknesses and what needs "
           "to improve (its strengths for good and outstanding).",
    "compare": "Two or more councils: a table of their grades, then one short group of quotes per council.",
    "theme": "A topic across councils: how many indexed reports discuss it, then strengths from areas judged good "
             "or outstanding and weaknesses from areas that require improvement or are inadequate, several "
             "councils each; the Briefing tab has the full picture.",
    "good_practice": "\u201cWhat does good look like\u201d: sentences from areas judged good or outstanding.",
    "framework": "What a framework document says: the sentence that states the rule (a number, time limit or duty) "
                 "first, then its context, each cited to document, paragraph and page.",
    "passages": "Anything else: the best quotes grouped by document, newest report first.",
}
__doc__ += "\n".join(f"- {k}: {v}" for k, v in PLANS.items())

_COMPARE = re.compile(r"\bcompar\w*|\bversus\b|\bvs\.?\b|\bdifferen\w* between\b|\bbetter than\b|\bworse than\b", re.I)
_WHY = re.compile(r"^\W*why\b|\bwhat (?:were|was|are) the reasons?\b|\breasons? (?:for|why)\b", re.I)
_JUDGEMENT = re.compile(
    r"^\W*(?:is|are|was|were)\b.*\b(?:good|effective|doing well|strong|outstanding|inadequate|improving|safe)\b"
    r"|\bhow (?:good|well|effective|safe)\b|\bhow (?:is|are|was|were)\b.*\b(?:doing|performing|getting on|faring)\b", re.I)
_GOOD_PRACTICE = re.compile(r"\bwhat (?:does|do|would) (?:good|outstanding|effective|strong)\b.*\blook like\b"
                            r"|\bgood practice\b|\bwhat good looks like\b|\bexamples? of (?:good|strong|effective)\b"
                            r"|\bbest practice\b|\boutstanding practice\b", re.I)
_WHOLE = re.compile(r"[.!?][\"”’)]?\s*$")
# A sentence stating a rule: a duty, a number or a time limit.
_RULE = re.compile(r"\b(?:must|should|within|no later than|at least|working days?|hours?|days?|weeks?|months?|"
                   r"is required|are required|duty|statutory|responsible for)\b|\b\d+\b", re.I)


def plan_for(u: Understanding, kinds: set[str]) -> str:
    """The kind of question, from its words and scope (`kinds`: the kinds of documents quoted)."""
    q = u.question
    councils = u.filters.local_authority
    if kinds == {"framework"} or (u.detected.get("normative") and "framework" in kinds and not councils):
        return "framework"
    if len(councils) >= 2 or (councils and _COMPARE.search(q)):
        return "compare" if len(councils) >= 2 else "council"
    if _GOOD_PRACTICE.search(q) and not councils:
        return "good_practice"
    if len(councils) == 1:
        if _WHY.search(q):
            return "why"
        if _JUDGEMENT.search(q):
            return "judgement"
        return "council"
    if "report" in kinds and not u.filters.doc_id:
        return "theme"
    return "passages"


@dataclass
class Picked:
    """A verified quote: its citation (numbered later), its document and what it says of practice."""

    cit: Citation
    doc: DocumentInfo
    row: dict
    score: float
    stance: str | None  # None for framework documents: they state rules, not findings
    n: int = 0
    fit: float | None = None  # how well the quote alone answers the question (cross-encoder logit), when scored


@dataclass
class Evidence:
    index: Index
    u: Understanding
    picked: list[Picked]
    plan: str
    discussing: tuple[int, int] | None = None  # (reports that discuss the topic, reports in scope)
    # The question as asked, before `u` was narrowed to the concepts one quoted passage names (for counts and the
    # topic's wording): the lead quote answers all of it ("LADO ... allegations against staff", not just "staff").
    asked: Understanding | None = None
    fit_first: bool = False  # Settings.lead_fit "first": the quotes' fit decides the lead before their concepts


@dataclass
class Composition:
    blocks: list
    citations: list[Citation] = field(default_factory=list)


class Numbers:
    """Citation numbers in reading order; the same quote of one place is one source, whatever cites it."""

    def __init__(self):
        self.citations: list[Citation] = []
        self._by_key: dict[tuple, int] = {}

    def add(self, cit: Citation) -> int:
        key = (cit.doc_id, cit.paragraph or cit.chunk_id or cit.page, cit.quote)
        if key not in self._by_key:
            cit.n = len(self.citations) + 1
            self.citations.append(cit)
            self._by_key[key] = cit.n
        return self._by_key[key]

    def cite(self, cit: Citation | None) -> list[int]:
        """The markers for a sentence or a table row: none when no line was found to cite."""
        return [] if cit is None else [self.add(cit)]


def stance_of(row: dict, doc: DocumentInfo, text: str) -> str | None:
    return classify(text, row.get("section")) if doc.kind == "report" else None


def topic_words(u: Understanding) -> str:
    """The question's topic in the user's own words ("supervision", "care leavers' accommodation")."""
    words = [c[0] for c in topic_concepts(u)[:3] if len(c[0]) > 2]
    return " and ".join(dict.fromkeys(words)) if words else "this"


def fmt_date(d) -> str:
    return f"{d.day} {d:%B %Y}" if d else "an unknown date"


def grade_text(grade: str | None) -> str:
    return grade if grade else "not judged"


def area_of(u: Understanding, picked: list[Picked]) -> str:
    """The judgement area a council answer leads with: the question's, else the area most quoted, else overall."""
    for a in u.areas:
        if a in AREAS:
            return a
    seen = Counter(p.row.get("area") for p in picked if p.row.get("area") in AREAS)
    seen.pop("overall_effectiveness", None)
    return seen.most_common(1)[0][0] if seen else "overall_effectiveness"


def report_line(doc: DocumentInfo, area: str | None = None) -> str:
    """"Stoke-on-Trent, report published 18 March 2019; help and protection: inadequate"."""
    when = report_date(doc)
    head = f"{doc.local_authority}, report published {fmt_date(when)}" if doc.kind == "report" else doc.title
    if doc.kind == "report" and area:
        head += f"; {AREA_LABELS[area].lower()}: {grade_text(doc.judgements.get(area))}"
    return head


def compose(ev: Evidence, grade_citation, follow_ups=None) -> Composition:
    """Blocks for the plan. `grade_citation(doc, area)` cites a judgement-table line (facts.grade_citation);
    `follow_ups(ev, blocks)` suggests questions (followups.suggest)."""
    numbers = Numbers()
    composer = {
        "council": _council, "judgement": _council, "why": _council, "compare": _compare,
        "theme": _theme, "good_practice": _theme, "framework": _framework, "passages": _passages,
    }[ev.plan]
    blocks = composer(ev, numbers, grade_citation)
    if follow_ups is not None:
        questions = follow_ups(ev)
        if questions:
            blocks.append(FollowUps(questions=questions))
    return Composition(blocks, numbers.citations)


# ------------------------------------------------------------------------------------------- the lead

def write_lead(first: Sentence | None, best: Picked | None, numbers: Numbers, intro: str = "Inspectors found") -> Lead:
    """One or two complete sentences: a stated fact (a judgement, a count) and the best verified quote."""
    sentences = [first] if first is not None else []
    if best is not None:
        n = numbers.add(best.cit)
        best.n = n
        quote = best.cit.quote.rstrip()
        sentences.append(Sentence(text=f"{intro}: \u201c{quote}\u201d", cites=[n]))
    return Lead(sentences=sentences)


def _judgement_sentence(doc: DocumentInfo, area: str, numbers: Numbers, grade_citation) -> Sentence:
    cit = grade_citation(doc, area)
    cites = numbers.cite(cit)
    grade = doc.judgements.get(area)
    when = fmt_date(report_date(doc))
    label = AREA_LABELS[area].lower()
    if grade:
        return Sentence(text=f"{doc.local_authority}'s report published {when} judged {label} {grade}.", cites=cites)
    return Sentence(text=f"{doc.local_authority}'s report published {when} makes no judgement of {label}.", cites=[])


# ------------------------------------------------------------------------------------------- plans

def _council(ev: Evidence, numbers: Numbers, grade_citation) -> list:
    picked = ev.picked
    reports = sorted({p.doc.doc_id: p.doc for p in picked if p.doc.kind == "report"}.values(), key=sort_date, reverse=True)
    if not reports:
        return _passages(ev, numbers, grade_citation)
    focus = reports[0]
    mine = [p for p in picked if p.doc.doc_id == focus.doc_id]
    area = area_of(ev.u, mine)
    if not focus.judgements.get(area) and area not in ev.u.areas:
        # Reports from April 2026 judge no overall effectiveness: lead with a judgement the report makes.
        area = next((a for a in [p.row.get("area") for p in mine] + list(AREAS) if a in AREAS and focus.judgements.get(a)), area)
    grade = focus.judgements.get(area)
    tone = ev.u.detected.get("tone")
    wanted = _wanted_stance(ev.plan, grade, tone)
    intro = "Inspectors found"
    # A judgement cited from the report's table stands as a lead alone: better than ending it in a fragment
    # (a run of bullet points glued into one "sentence" by the PDF's layout).
    whole_only = grade_citation(focus, area) is not None
    telling = _telling(ev)
    if ev.plan == "judgement":
        best = _opening(ev, focus, area, mine) or _best(mine, wanted, whole_only, telling)
        intro = "The report says"
    else:
        # The newest report's best sentence: leading with an earlier report's (tried) cited the passage the
        # question was about for fewer finding questions, 0.39 against 0.54 on the gold set.
        best = _best(mine, wanted, whole_only, telling)
        lead_area = best.row.get("area") if best is not None else None
        if (ev.plan == "council" and not any(a in AREAS for a in ev.u.areas) and lead_area in AREAS
                and lead_area != "overall_effectiveness" and focus.judgements.get(lead_area)):
            # A question naming no area is led by the judgement of the area its lead quote is from: the relationship
            # between Slough council and its trust is judged under leaders, not under the care leavers it also quoted.
            area = lead_area
    first = _judgement_sentence(focus, area, numbers, grade_citation)
    blocks = [write_lead(first, lead_part(best, wanted, ev.index, telling), numbers, intro)]
    order = _stance_order(ev.plan, grade, tone)
    blocks += _stance_groups([p for p in mine if p is not best], order, numbers, report_line(focus, area), focus.doc_id)
    for doc in reports[1:]:
        theirs = [p for p in picked if p.doc.doc_id == doc.doc_id and p is not best]
        if theirs:
            blocks.append(QuoteGroup(label="Earlier report", source=report_line(doc, area), doc_id=doc.doc_id,
                                     quotes=[_quote(p, numbers) for p in theirs]))
    others = [p for p in picked if p.doc.kind != "report"]
    if others:
        blocks += _by_document(others, numbers, "What the framework expects")
    # The grades over time cite every report: only when no year restricts what the answer may cite.
    history = None if ev.u.filters.year_from or ev.u.filters.year_to else _over_time(ev.index, focus, area, numbers, grade_citation)
    if history is not None:
        blocks.append(history)
    return blocks


def _compare(ev: Evidence, numbers: Numbers, grade_citation) -> list:
    picked = ev.picked
    councils = ev.u.filters.local_authority
    area = area_of(ev.u, picked)
    latest = {}
    for doc in ev.index.reports():
        if doc.local_authority in councils and (doc.local_authority not in latest or sort_date(doc) > sort_date(latest[doc.local_authority])):
            if ev.u.filters.year_from or ev.u.filters.year_to:
                if not any(p.doc.doc_id == doc.doc_id for p in picked):
                    continue
            latest[doc.local_authority] = doc
    rows = []
    for la in councils:
        doc = latest.get(la)
        if doc is None:
            continue
        cit = grade_citation(doc, area)
        rows.append(Row(cells=[la, fmt_date(report_date(doc)), grade_text(doc.judgements.get(area)),
                               grade_text(doc.judgements.get("overall_effectiveness"))],
                        cites=numbers.cite(cit)))
    graded = [(la, latest[la].judgements.get(area)) for la in councils if la in latest]
    if len(graded) >= 2 and all(g for _, g in graded):
        ranked = sorted(graded, key=lambda x: _rank(x[1]))
        if _rank(ranked[0][1]) == _rank(ranked[-1][1]):
            first = f"{_names([la for la, _ in graded])} were all judged {ranked[0][1]} for {AREA_LABELS[area].lower()} in their latest reports."
        else:
            first = (f"For {AREA_LABELS[area].lower()}, {ranked[0][0]} was judged {ranked[0][1]} and "
                     f"{ranked[-1][0]} {ranked[-1][1]} in their latest reports.")
    else:
        first = f"The latest reports of {_names(councils)} on {topic_words(ev.u)}, side by side."
    lead_cites = [c for r in rows for c in r.cites]
    blocks: list = [Lead(sentences=[Sentence(text=first, cites=lead_cites)])]
    table = Table(caption=f"{AREA_LABELS[area]} and overall effectiveness, latest reports",
                  columns=["Council", "Published", AREA_LABELS[area], "Overall effectiveness"], rows=rows)
    blocks.append(table)
    for la in councils:
        theirs = [p for p in picked if p.doc.local_authority == la]
        if not theirs:
            continue
        theirs.sort(key=lambda p: -p.score)
        doc = theirs[0].doc
        blocks.append(QuoteGroup(label=la, source=report_line(doc, area), doc_id=doc.doc_id,
                                 quotes=[_quote(p, numbers) for p in theirs[:4]]))
    if not lead_cites and blocks and isinstance(blocks[0], Lead):
        best = max(picked, key=lambda p: p.score)
        blocks[0] = write_lead(blocks[0].sentences[0], best, numbers, f"In {best.doc.local_authority}, inspectors found")
    return blocks


def _theme(ev: Evidence, numbers: Numbers, grade_citation) -> list:
    reports = [p for p in ev.picked if p.doc.kind == "report"]
    others = [p for p in ev.picked if p.doc.kind != "report"]
    topic = topic_words(ev.u)
    tone = ev.u.detected.get("tone")
    good = [p for p in reports if _band(p) == "strong"]
    weak = [p for p in reports if _band(p) == "weak"]
    first = None
    quoted = len({p.doc.doc_id for p in reports})
    # A count below the reports quoted would contradict the quotes (the count needs every topic word in one passage).
    if ev.discussing and ev.discussing[0] >= quoted:
        n, total = ev.discussing
        first = Sentence(text=f"{n} of the {total} indexed reports in scope discuss {topic} ({quoted} quoted here).")
    if ev.plan == "good_practice" or tone == "strength":
        pool = [p for p in good if p.stance == "strength"] or good or reports
        best = _best(pool, "strength", telling=_telling(ev))
    elif tone == "weakness":
        pool = [p for p in weak if p.stance in ("weakness", "improvement")] or [p for p in reports if p.stance == "weakness"] or reports
        best = _best(pool, "weakness", telling=_telling(ev))
    else:
        best = _best(reports, None, telling=_telling(ev))
    where = f"In {best.doc.local_authority} ({report_year(best.doc)}), inspectors found" if best else "Inspectors found"
    blocks: list = [write_lead(first, best, numbers, where)]
    rest = [p for p in reports if p is not best]
    strong_label = "Strengths, in areas judged good or outstanding"
    weak_label = "Weaknesses, in areas that require improvement or are inadequate"
    groups = []
    strengths = [p for p in rest if _band(p) == "strong" and p.stance == "strength"]
    weaknesses = [p for p in rest if _band(p) == "weak" and p.stance in ("weakness", "improvement")]
    if ev.plan == "good_practice" or tone == "strength":
        groups = [(strong_label, strengths)]
    elif tone == "weakness":
        groups = [(weak_label, weaknesses)]
    else:
        groups = [(strong_label, strengths), (weak_label, weaknesses)]
    used = {id(p) for _, g in groups for p in g}
    leftover = [p for p in rest if id(p) not in used]
    if leftover and not (ev.plan == "good_practice" or tone):
        groups.append(("Also found", leftover))
    for label, members in groups:
        if members:
            members.sort(key=lambda p: -p.score)
            blocks.append(QuoteGroup(label=label, quotes=[_quote(p, numbers, source=True) for p in members]))
    if others:
        blocks += _by_document(others, numbers, "What the framework expects")
    return blocks


def _framework(ev: Evidence, numbers: Numbers, grade_citation) -> list:
    picked = ev.picked
    rules = [p for p in picked if p.doc.kind == "framework" and _RULE.search(p.cit.quote)]
    # A whole sentence stating a rule; else any whole sentence (a rule ending in a glued heading such as
    # "... in line with the CPP Chapter 4: Organisational responsibilities" is not a lead); else the best rule.
    telling = _telling(ev)
    best = (_best(rules, whole_only=True, telling=telling) or _best(picked, whole_only=True, telling=telling)
            or _best(rules or picked, telling=telling))
    blocks: list = [write_lead(None, best, numbers, f"{best.doc.title} says" if best.doc.kind == "framework" else
                               f"{report_line(best.doc)}: inspectors found")]
    rest = [p for p in picked if p is not best]
    blocks += _by_document(rest, numbers, None)
    return blocks


def _passages(ev: Evidence, numbers: Numbers, grade_citation) -> list:
    best = _best(ev.picked, telling=_telling(ev))
    intro = (f"{best.doc.title} says" if best.doc.kind == "framework" else
             f"In {best.doc.local_authority} ({report_year(best.doc)}), inspectors found")
    blocks: list = [write_lead(None, best, numbers, intro)]
    blocks += _by_document([p for p in ev.picked if p is not best], numbers, None)
    return blocks


# ------------------------------------------------------------------------------------------- helpers

def _rank(grade: str | None) -> int:
    return grade_rank(grade) if grade else 99


def _names(names: list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _band(p: Picked) -> str | None:
    grade = p.row.get("grade") or p.doc.judgements.get("overall_effectiveness")
    if grade in STRONG_GRADES:
        return "strong"
    if grade in WEAK_GRADES:
        return "weak"
    return None


def _wanted_stance(plan: str, grade: str | None, tone: str | None) -> str | None:
    if tone:
        return tone
    if plan in ("why", "judgement"):
        return "strength" if grade in STRONG_GRADES else "weakness" if grade in WEAK_GRADES else None
    return None


def _stance_order(plan: str, grade: str | None, tone: str | None) -> list[str]:
    if tone == "weakness" or (plan == "why" and grade in WEAK_GRADES):
        return ["weakness", "improvement", "strength", "neutral"]
    if tone == "strength" or (plan == "why" and grade in STRONG_GRADES):
        return ["strength", "weakness", "improvement", "neutral"]
    return ["strength", "weakness", "improvement", "neutral"]


@dataclass
class Telling:
    """What a lead quote must speak to: the question's telling concepts (stemmed phrases) with their idf, and
    whether the question asks what to do ("what did Ofsted recommend ...?"), when an item to improve may lead."""
    concepts: list[set[str]]
    weights: list[float]
    actions: bool
    fit_first: bool = False
    own: list[set[str]] = field(default_factory=list)  # each concept's wording as the user wrote it

    def weight(self, text: str) -> float:
        return sum(self.weights[i] for i in match_concepts(text, self.concepts))

    def own_weight(self, text: str) -> float:
        """The weight of the concepts the text names in the user's own words."""
        return sum(self.weights[i] for i in match_concepts(text, self.own)) if self.own else 0.0


# "What did Ofsted recommend ...", "what should Leeds improve", "what needs to change": the report's list of what
# to improve answers these; other questions are answered by findings.
_ASKS_FOR_ACTIONS = re.compile(r"\brecommend\w*|\bimprove\b|\bimprovements?\b|\bnext steps\b|\bneeds? to (?:do|change)\b|"
                               r"\bwhat (?:should|must)\b", re.I)


def _telling(ev: Evidence) -> Telling:
    concepts = topic_wanted(ev.index, ev.asked or ev.u)
    # A practitioners' term (one with glossary wordings: "s20", "LADO") counts double: the question's everyday
    # word can be rarer ("misuse" in "did Stoke misuse section 20?") and matches another sense ("drug misuse").
    weights = [w * (2.0 if len(c) > 1 else 1.0) for c, w in zip(concepts, concept_weights(ev.index, concepts))]
    worded = {frozenset(concept_phrases(c)): own_wordings(c) for c in topic_concepts(ev.asked or ev.u)}
    own = [worded.get(frozenset(c), c) for c in concepts]
    return Telling(concepts, weights, bool(_ASKS_FOR_ACTIONS.search(ev.u.question)), ev.fit_first, own)


# The cross-encoder's logit for a quote that clearly does not answer the question (ms-marco logits: above 0 reads
# as relevant; on the gold set any bound from -8 to -2 gave the same leads). The weight winner "Care leavers benefit
# from ... trusting ... relationships with their PAs" (-9) for "how is the relationship between Slough council and
# its children's trust?" yields to "Professional relationships between the council and Slough Children First have
# improved." (+4), which names at least half its weight.
_NOT_AN_ANSWER = -5.0
_AN_ANSWER = 0.0
_VETO_SHARE = 0.5


def _stances(p: Picked) -> set[str]:
    """The quote's stance and each of its sentences' ("Thresholds ... are understood ... Children's immediate
    safety needs ... are not always properly considered" is a strength that holds a weakness)."""
    if p.stance is None:
        return set()
    quote = p.cit.quote
    return {p.stance} | {classify(quote[a:b], p.row.get("section")) for a, b in sentence_spans(quote)}


def _of_stance(stances: set[str | None], stance: str | None) -> bool:
    """Whether a quote of these stances serves a lead wanting `stance` (an item to improve serves a weakness)."""
    return stance is None or stance in stances or (stance == "weakness" and "improvement" in stances)


def _best(pool: list[Picked], stance: str | None = None, whole_only: bool = False,
          telling: Telling | None = None) -> Picked | None:
    """The quote a lead gives: of the wanted stance when there is one (in any of its sentences: `lead_part`
    then quotes that sentence), a whole sentence when there is one (a list item such as "The quality of plans
    (outcome 3, national framework)" cannot end a lead).
    `whole_only`: None rather than a fragment, for a lead that has a sentence of its own to stand on."""
    if not pool:
        return None
    matching = [p for p in pool if stance is None or _of_stance(_stances(p), stance)] or pool
    whole = [p for p in matching if _WHOLE.search(p.cit.quote)]
    if not whole and whole_only:
        return None
    candidates = whole or matching
    if telling and telling.concepts:
        # The quote naming the most telling of the question's concepts (by idf: "LADO" before "staff"); a finding
        # before an item of "what needs to improve", unless the question asks what to do (then the item first):
        # the items name work to do ("The arrangements to identify, track and respond to children missing
        # education."), not what inspectors found; then the best scored.
        def share(p: Picked) -> float:
            # An item to improve names the topic but says nothing inspectors found about it: half its weight.
            return 0.5 if p.stance == "improvement" and not telling.actions else 1.0

        def weight(p: Picked) -> float:
            return telling.weight(p.cit.quote) * share(p)

        def key(p: Picked) -> tuple:
            # Then how well the quote alone answers the question (Settings.lead_fit), else its passage's score.
            fit = p.fit if p.fit is not None else p.score
            if telling.fit_first and p.fit is not None:
                return fit, round(weight(p), 6), (p.stance == "improvement") == telling.actions, p.score
            # Of quotes naming the same concepts: one in the user's own words ("supervision" before "management
            # oversight", a glossary equivalent, for "what did inspectors say about supervision?"); then a numbered
            # paragraph of the report's body before its unnumbered summary, which restates the body's findings in
            # fewer words (Stoke-on-Trent 2019's "No social worker is receiving one-to-one case supervision from a
            # manager ..." is paragraph 34; the summary's shorter version has no number to cite).
            own = telling.own_weight(p.cit.quote) * share(p)
            return (round(weight(p), 6), round(own, 6), p.cit.paragraph is not None,
                    (p.stance == "improvement") == telling.actions, fit)

        chosen = max(candidates, key=key)
        if not telling.fit_first and chosen.fit is not None and chosen.fit < _NOT_AN_ANSWER:
            # Concept words can match another sense ("trusting" for a children's trust): a quote the cross-encoder
            # reads as no answer yields to one it reads as an answer that names at least half as much.
            answering = [p for p in candidates if p.fit is not None and p.fit > _AN_ANSWER
                         and weight(p) >= _VETO_SHARE * weight(chosen)]
            if answering:
                chosen = max(answering, key=key)
        return chosen
    return max(candidates, key=lambda p: p.score)


def lead_part(p: Picked | None, stance: str | None, index: Index, telling: Telling | None = None) -> Picked | None:
    """The lead's quote of `p`: all of it, or, when it is of another stance than the one wanted, its whole sentence
    of that stance naming the most of the question's concepts (`telling`), with the sentence it qualifies ("However,
    ...", before it) or that qualifies it (after), verified on its page like any quote. The paragraph stays one
    source: the lead quotes that part, and the groups leave the paragraph out."""
    if p is None or stance is None or _of_stance({p.stance}, stance) or p.cit.passage_start is None:
        return p
    quote = p.cit.quote
    spans = sentence_spans(quote)
    parts = []
    for i, (a, b) in enumerate(spans):
        text = quote[a:b]
        if (not _of_stance({classify(text, p.row.get("section"))}, stance) or not STARTS_WELL.match(text)
                or not _WHOLE.search(quote[a:_closed(quote, b)]) or junk_reason(text)):
            continue
        if QUALIFIES.match(text) and i > 0:
            a = spans[i - 1][0]
        if i + 1 < len(spans) and QUALIFIES.match(quote[spans[i + 1][0]:spans[i + 1][1]]):
            b = spans[i + 1][1]
        parts.append((telling.weight(text) if telling else 0.0, -i, a, _closed(quote, b)))
    for _, _, a, b in sorted(parts, reverse=True):
        cit = cite_span(index, p.doc, p.row, p.cit.passage_start + a, p.cit.passage_start + b, p.cit.score)
        if cit is not None:
            return replace(p, cit=cit, stance=stance_of(p.row, p.doc, cit.quote), n=0)
    return p


def _closed(text: str, end: int) -> int:
    """`end` moved past the closing quotation marks or brackets the sentence split leaves after a full stop."""
    while end < len(text) and text[end] in "\"'\u201d\u2019)":
        end += 1
    return end


def _quote(p: Picked, numbers: Numbers, source: bool = False) -> Quote:
    p.n = numbers.add(p.cit)
    where = None
    if source:
        where = report_line(p.doc) if p.doc.kind == "report" else p.doc.title
    return Quote(n=p.n, text=p.cit.quote, stance=p.stance, source=where)


def _stance_groups(picked: list[Picked], order: list[str], numbers: Numbers, source: str, doc_id: str) -> list:
    out = []
    for stance in order:
        members = sorted((p for p in picked if (p.stance or "neutral") == stance), key=lambda p: -p.score)
        if members:
            out.append(QuoteGroup(label=LABELS[stance], source=source, doc_id=doc_id,
                                  quotes=[_quote(p, numbers) for p in members]))
    return out


def _by_document(picked: list[Picked], numbers: Numbers, label: str | None) -> list:
    out = []
    docs: dict[str, list[Picked]] = {}
    for p in picked:
        docs.setdefault(p.doc.doc_id, []).append(p)
    ordered = sorted(docs.values(), key=lambda ps: (0 if ps[0].doc.kind == "report" else 1, -sort_date(ps[0].doc).toordinal()))
    for ps in ordered:
        ps.sort(key=lambda p: (p.row.get("ord", 0), p.cit.passage_start or 0))
        out.append(QuoteGroup(label=label, source=report_line(ps[0].doc), doc_id=ps[0].doc.doc_id,
                              quotes=[_quote(p, numbers) for p in ps]))
    return out


def _opening(ev: Evidence, doc: DocumentInfo, area: str, mine: list[Picked]) -> Picked | None:
    """The sentence that opens the report's section on the area: it usually sums up the judgement. Only when
    it names the question's topic: "is supervision any good" is not answered by a summary of leadership."""
    found = opening_sentence(ev.index, doc, area)
    if found is None:
        return None
    cit, row = found
    telling = topic_wanted(ev.index, ev.u)
    if telling and len(match_concepts(cit.quote, telling)) < len(telling):
        return None
    for p in mine:
        if p.cit.chunk_id == cit.chunk_id:
            return p  # that paragraph is quoted already: one paragraph, one source
    return Picked(cit, doc, row, score=max((p.score for p in mine), default=1.0), stance=stance_of(row, doc, cit.quote))


def _over_time(index: Index, focus: DocumentInfo, area: str, numbers: Numbers, grade_citation) -> Table | None:
    """The area's grade in each of the council's reports, oldest first (a trajectory)."""
    mine = sorted((d for d in index.reports() if d.local_authority == focus.local_authority), key=sort_date)
    if len(mine) < 2:
        return None
    rows = []
    for doc in mine:
        cit = grade_citation(doc, area) if doc.judgements.get(area) else None
        rows.append(Row(cells=[fmt_date(report_date(doc)), doc.framework or "", grade_text(doc.judgements.get(area))],
                        cites=numbers.cite(cit)))
    trail = " \u2192 ".join(f"{report_year(d)} {grade_text(d.judgements.get(area))}" for d in mine)
    return Table(caption=f"{AREA_LABELS[area]} in {focus.local_authority}'s reports: {trail}",
                 columns=["Published", "Framework", AREA_LABELS[area]], rows=rows)


# ------------------------------------------------------------------------------------------- text

def plain_text(blocks: list) -> str:
    """The blocks as text: the CLI prints it and the JSON `answer` field carries it."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "lead":
            out.append(" ".join(s.text + "".join(f" [{n}]" for n in s.cites) for s in b.sentences))
        elif b.kind == "message":
            out.append(b.text)
        elif b.kind == "quotes":
            out.append("")
            head = ": ".join(x for x in (b.label, b.source) if x)
            if head:
                out.append(head)
            for q in b.quotes:
                where = f" ({q.source})" if q.source else ""
                out.append(f"- \u201c{q.text}\u201d{where} [{q.n}]")
        elif b.kind == "table":
            out.append("")
            out.append(b.caption)
            out.append(" | ".join(b.columns))
            for r in b.rows:
                out.append(" | ".join(r.cells) + "".join(f" [{n}]" for n in r.cites))
        elif b.kind == "follow_ups":
            out.append("")
            out.append("You could also ask:")
            out += [f"- {q}" for q in b.questions]
    return "\n".join(out).strip()
