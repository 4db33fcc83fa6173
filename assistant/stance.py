"""What a report sentence says of practice: a strength, a weakness, an area for improvement, or neither.

Inspectors write in a small, formulaic vocabulary ("is effective", "too many", "not consistently", "delays",
"well supported", "leaders should ensure"), so a few word lists read it well enough to group quotes and to
pick weaknesses for "why was X judged inadequate". No model is needed, and each rule can be read and argued
with. Measured on the hand-labelled sentences in eval/stance/ (`ofsted-assistant eval` prints the accuracy).

Where a sentence turns ("Although caseloads have reduced, they remain too high"; "..., but ..."), the clause
it ends on is its point: that is how the reports are written, and how the labelled set was labelled.
"""
from __future__ import annotations

import re
from typing import Literal

Stance = Literal["strength", "weakness", "improvement", "neutral"]
STANCES: tuple[Stance, ...] = ("strength", "weakness", "improvement", "neutral")
LABELS = {"strength": "Strengths", "weakness": "Weaknesses", "improvement": "What needs to improve",
          "neutral": "Also found"}

# A section that lists what needs to improve makes every sentence in it an improvement point. The heading must
# be the whole section name: the 2013-17 reports end findings with "(Recommendation)", which is no heading.
IMPROVEMENT_SECTION = re.compile(r"^\W*(?:what needs to improve|recommendations?|areas? for (?:improvement|development)|"
                                 r"what (?:does )?the local authority (?:needs? to|should) (?:do|improve))\W*$", re.I)
# Sentences that report facts, not judgements: numbers, an earlier inspection's outcome, the inspection itself.
_NEUTRAL = re.compile(r"\b(?:was|were) (?:judged|rated|found to be)\b|\bat the (?:last|previous) inspection\b|"
                      r"\binspectors (?:looked at|reviewed|spoke|met|tracked|sampled|considered)\b|^(?:this|the) inspection\b|"
                      r"^there (?:are|were) \d|\b\d+(?:\.\d+)? ?(?:%|per cent)\b|^the local authority (?:has|had) \d|"
                      r"^(?:this|these|it|they) (?:includes?|comprises?)\b|\b(?:approximately|around|about) \d+\b|"
                      r"\b(?:in|on|since) (?:\d{1,2} )?(?:january|february|march|april|may|june|july|august|september|october|"
                      r"november|december) \d{4}\b", re.I)

_IMPROVEMENT = re.compile(
    r"^(?:\W*\d*\W*)?(?:the\s+)?(?:local authority|council|leaders|senior leaders|managers|the partnership|"
    r"partners|the (?:lscb|board|director)|it|they|ofsted)\s+(?:should|must|needs? to|is required to)\b"
    r"|^(?:\W*)?ensure\b|^(?:\W*)?(?:improve|strengthen|develop|increase|reduce|review|establish)\s+(?:that\s+)?(?:the|all|each|every|children|care|social|management|leaders|there|partners|agencies|staff)\b"
    r"|\b(?:should ensure|needs? to ensure|need to improve|needs to improve|should be improved|must ensure|"
    r"should improve|should strengthen|should review)\b"
    r"|\bfurther (?:work|development|action|progress|improvement)s? (?:is|are) (?:needed|required)\b"
    r"|\bthere is (?:more |further |still )?work to do\b|\bmore (?:\w+ )?work is (?:needed|required)\b", re.I)

_WEAK = [
    r"too (?:many|few|much|long|slow|often|late|early|narrow|variable|high|low|little)",
    r"not (?:yet |always |consistently |sufficiently |routinely |all |fully |been |being |currently |well |properly |"
    r"effectively |enough |robust|effective|timely|widespread|clear|good|strong|thorough|suitable|appropriate|sufficient|"
    r"adequate|focused|recorded|seen|visited|made|completed|reviewed|considered|taken|understood|available|"
    r"regular|prompt|proportionate|child|evident|reflected|in place|aware|able|embedded)",
    r"(?:do|does|did|are|is|was|were|have|has|had|can|could) not\b", r"\w+n't\b", r"\bcannot\b",
    r"\bno (?:social worker|child|children|young people|evidence|clear|consistent|effective|management|one|plan|"
    r"record|oversight|system|written|formal|strategic)\b",
    r"\black(?:s|ing)?\b", r"\bpoor(?:ly)?\b", r"\bweak(?:ness|nesses|er)?\b", r"\bdelay(?:s|ed)?\b", r"\bdrift\b",
    r"\binconsisten(?:t|tly|cy|cies)\b", r"\bvariab(?:le|ility)\b", r"\binsufficient(?:ly)?\b", r"\binadequate(?:ly)?\b",
    r"\bfail(?:s|ed|ing|ure|ures)?\b", r"\bineffective(?:ly)?\b", r"\bdeteriorat\w*", r"\bdeclin(?:e|ed|ing)\b",
    r"\bshortfalls?\b", r"\bbacklogs?\b", r"\bunclear\b", r"\bunsafe\b", r"\bgaps?\b", r"\bconcerns? (?:about|that|remain)\b",
    r"\bconcerning\b", r"\bunable\b", r"\blimited\b", r"\bonly (?:a (?:small )?(?:minority|few|number)|some|partially|recently)\b",
    r"\bremains? (?:too|high|a concern|an area|underdeveloped|weak|inconsistent|variable)",
    r"\bunderdeveloped\b", r"\bunderstaffed\b", r"\bhigh (?:caseloads|turnover)\b", r"\bturnover\b", r"\brarely\b",
    r"\bminority\b", r"\bmissed\b", r"\bsuperficial\b", r"\bunacceptabl[ey]\b", r"\bserious\b",
    r"\bvulnerable to\b", r"\b(?:left|placed|put) at risk\b", r"\byet to\b", r"\babsence of\b", r"\bwithout\b", r"\black of\b", r"\boverdue\b",
    r"\bout of date\b", r"\bunmet\b", r"\bnegative(?:ly)?\b", r"\bfragile\b", r"\bbelow\b", r"\bworse\b",
    r"\bslow(?:ly|er)?\b", r"\blate\b", r"\bprevious(?:ly)?\b(?=.*\b(?:lost|poor|weak|not)\b)", r"\bfew\b", r"\bnot all\b", r"\bnor\b", r"\bneither\b", r"\bdespite\b",
    r"\bstill\b", r"\bhowever\b", r"\blimit(?:s|ed|ing)? (?:the|their|its|how)\b", r"\bimped\w+", r"\binstability\b",
    r"\blittle (?:confidence|evidence|impact|understanding|progress)\b", r"\bin isolation\b", r"\bmore to do\b",
    r"\bincomplete\b", r"\blost (?:trust|confidence)\b", r"\bless (?:specific|effective|consistent|clear)\b",
    r"\bremains the case\b", r"\bunnecessar\w+", r"\bprevents? (?:them|children|young people)\b", r"\bretell\b",
    r"\boverloaded\b", r"\bunsuitabl\w*", r"\bshortfalls?\b", r"\bhinder\w*", r"\bhamper\w*", r"\bdisproportionate(?:ly)?\b",
    r"\bonly (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b", r"\b(?:take-up|uptake|attendance|participation|engagement|compliance|completion|awareness)\b[^.]{0,30}\b(?:is|are|was|were|remains?) (?:very |too )?low\b",
]
_STRONG = [
    r"\beffective(?:ly|ness)?\b", r"\bwell\b", r"\bgood\b", r"\bstrong(?:ly|er)?\b", r"\bstrengths?\b",
    r"\bimprov(?:ed|ing|ement|ements)\b", r"\btimely\b", r"\bappropriate(?:ly)?\b", r"\brobust(?:ly)?\b",
    r"\bthorough(?:ly)?\b", r"\bhigh[- ]quality\b", r"\bpositive(?:ly)?\b", r"\bbenefit(?:s|ed|ing)? from\b",
    r"\bsupportive\b", r"\bskilled\b", r"\bcommitted\b", r"\bcreative(?:ly)?\b", r"\bproportionate(?:ly)?\b",
    r"\bswift(?:ly)?\b", r"\bquick(?:ly)?\b", r"\bprompt(?:ly)?\b", r"\bcomprehensive(?:ly)?\b", r"\bclear(?:ly)?\b",
    r"\bsensitive(?:ly)?\b", r"\bsuccess(?:ful|fully)?\b", r"\boutstanding\b", r"\bexcellent\b", r"\bimpressive\b",
    r"\bpurposeful(?:ly)?\b", r"\bchild-centred\b", r"\bmeaningful(?:ly)?\b", r"\bconsistent(?:ly)?\b",
    r"\bmake (?:good )?progress\b", r"\bmaking (?:good )?progress\b", r"\bstable\b", r"\benjoy\b", r"\bensures?\b",
    r"\bknow (?:them|the children|children|their children|young people) well\b", r"\bvalued?\b", r"\bresponsive\b",
    r"\bcarefully\b", r"\bdetailed\b", r"\binsightful\b", r"\bstrengthened\b", r"\bwell-\w+", r"\bembedded\b",
    r"\bnurtur\w+", r"\bcaring\b", r"\bdedicated\b", r"\bambitious\b", r"\binnovative\b", r"\bsafe(?:ly)?\b",
    r"\bsuitable\b", r"\bhelpful\b", r"\bhelp(?:s|ed)?\b", r"\bpersistent(?:ly)?\b", r"\btenacious(?:ly)?\b",
    r"\bregular(?:ly)?\b", r"\bsecure\b", r"\bfocused\b", r"\bmanageable\b", r"\bknowledgeable\b", r"\bexperienced\b",
    r"\bprioritis\w+", r"\bprogress\b", r"\bable to\b", r"\bhave access to\b", r"\bare supported\b",
]
_WEAK_RE = re.compile("|".join(_WEAK), re.I)
_STRONG_RE = re.compile("|".join(_STRONG), re.I)
# "Although X, Y" / "X, but Y" / "X; however, Y": the part after the turn is the sentence's point.
_TURN = re.compile(r",?\s+\bbut\b\s+|[;,]\s*however,?\s+|,\s+(?:although|though|while|whereas|yet)\s+", re.I)
_LEADING_CONCESSION = re.compile(r"^\s*(?:although|though|while|whilst|despite|even though)\b[^,]*,\s*", re.I)
# Words that make a strong word weak: "not effective", "less effective", "no clear".
_NEGATED = re.compile(r"\b(?:not|never|less|no|lack of|absence of|without|insufficiently|inconsistently|un\w+ly)\s+(?:\w+\s+){0,2}$", re.I)


def classify(sentence: str, section: str | None = None) -> Stance:
    """The stance of one sentence of a report; `section` is its heading, when known."""
    if section and IMPROVEMENT_SECTION.search(section):
        return "improvement"
    text = " ".join(sentence.split())
    if _IMPROVEMENT.search(text):
        return "improvement"
    point = _point(text)
    if _VERDICT.search(point) and not _LIMITED.search(point):
        return "strength"
    weak, strong = _score(point)
    if weak == strong == 0 and point is not text:
        weak, strong = _score(text)
    if weak > strong:
        return "weakness"
    if strong > weak:
        return "strength"
    if weak:  # as many of each: the reports' bad news is the more telling, and is what a turn marks
        return "weakness"
    if _NEUTRAL.search(text):
        return "neutral"
    # No sign either way: inspectors describe practice they saw working ("Children's plans are individualised,
    # written with children"); a shortfall is always marked. On the labelled set 59% of sentences are
    # strengths and 3% neutral.
    return "strength"


def _point(text: str) -> str:
    """The clause a turning sentence ends on."""
    body = _LEADING_CONCESSION.sub("", text, count=1)
    if body is not text and body.strip():
        return body
    parts = _TURN.split(text)
    return parts[-1] if len(parts) > 1 and parts[-1].strip() else text


# "Work with children who are vulnerable to exploitation ... is effective": a sentence whose verdict is its last
# words judges its subject, whatever words describe the children the subject is about.
_VERDICT = re.compile(r"\b(?:is|are|has been|have been)\s+(?:very |highly |consistently |particularly |generally |now |"
                      r"mostly |increasingly )?(?:effective|good|strong|robust|thorough|outstanding|excellent)\W*$", re.I)
# ... unless the verdict is denied or limited: "Not all work ... is effective", "Few assessments are thorough".
_LIMITED = re.compile(r"\b(?:not|no|never|nor|neither|few|only|minority|whether|unclear|less|little)\b|n't\b", re.I)


# A shortfall dealt with is a strength: "reduces drift and delay", "without delay", "acted to address weaknesses".
_MITIGATED = re.compile(r"\b(?:reduc\w*|minimis\w*|prevent\w*|address\w*|tackl\w*|avoid\w*|without|overc\w+|resolv\w*|"
                        r"recognis\w*|identif\w*|understanding of|remedial|respond\w* to|mitigat\w*|challeng\w*|escalat\w*|the rare occasions? (?:when|that|where))"
                        r"\s+(?:[\w’'-]+\s+){0,4}$", re.I)


def _score(text: str) -> tuple[int, int]:
    weak = 0
    strong = 0
    for m in _WEAK_RE.finditer(text):
        if m.group(0).lower() in {"however", "still", "despite"}:
            continue  # turn words: they mark a weakness only with another sign of one
        if _MITIGATED.search(text[max(0, m.start() - 60): m.start()]):
            strong += 1
            continue
        weak += 1
    for m in _STRONG_RE.finditer(text):
        before = text[max(0, m.start() - 40): m.start()]
        if _NEGATED.search(before):
            weak += 1  # "not effective": the strong word is the weakness
        else:
            strong += 1
    return weak, strong
