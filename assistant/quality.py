"""Is a quote a sentence a reader can trust, or debris from a document's layout?

Every answer is made of the documents' own sentences, shown as quotes with a citation. A quote is only worth
showing if a reader can take it at face value. A contents page ("pre-proceedings 105 Flow chart 3: Immediate
protection 106 ..."), a judgement table read into one line, footnote text running through a paragraph
("... in 194 Report a serious child safeguarding incident 195 This means ..."), a heading glued to the
sentence after it ("... loving homes Purpose and Principles of Children's Social Care This chapter ...") or a
page's running header all look like evidence and are not; a reader who meets one stops trusting the quotes
around it.

`junk_reason(text)` names the debris a quote carries or returns None for a real sentence. It is a pure
function of the text, so an answer can drop or demote the quote and ingest can count where debris comes from.
It is conservative on purpose: sentences full of numbers ("Inspectors looked at 120 cases", "paragraph 4.5 of
Working Together", "In 2019, 45% of ..."), lists separated by semicolons, statute text, a standalone footnote
and a single judgement line quoted for a grade question ("The experiences and progress of care leavers
Inadequate") are not junk. The rules were written against the quotes the assistant gives for the gold set's
questions and about a hundred framework and findings questions; tests/test_quality.py keeps real examples of
each kind of debris and of the sentences that must pass.
"""
from __future__ import annotations

import re

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# --------------------------------------------------------------------------- running headers and footers

_RUNNING = re.compile(
    # A report's page header: "Inspection of Stoke-on-Trent local authority children's services 12 to 23 May
    # 2025 5". The cover's "Inspection dates: ..." has a label before its dates, so it is not this.
    r"Inspection of [^.:]{3,100}?\bservices:? \d{1,2}(?: (?:%s))?(?: \d{4})? (?:to|and|-|–) \d{1,2} (?:%s) \d{4}"
    # legislation.gov.uk's header on every page of an Act, and its commencement notes.
    r"|Changes to legislation:|\(See end of Document for details\)|Document Generated: \d{4}-\d\d-\d\d"
    r"|Status: This version of this (?:Act|Order|Regulations?) contains|Commencement Information"
    r"|\bI\d{1,3} (?:S|Sch)\. \d"
    r"|\bPage \d{1,3} of \d{1,3}\b"
    # The licence and contact block that closes gov.uk publications.
    r"|© Crown copyright|Open Government Licence|Follow us on (?:Twitter|X)\b|Connect with us on Facebook"
    % (_MONTHS, _MONTHS))
# The tail of a commencement note ("... reg. 2(s)") left before the next paragraph's number: "2(s) 19 For ...".
_COMMENCEMENT_TAIL = re.compile(r"^\d{1,2}\([a-z]{1,3}\) \d{1,3} ")

# --------------------------------------------------------------------------- links

_URL = re.compile(r"\(?(?:https?://|www\.)\S+|\S+@\S+\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|org|co|nhs|police|ac)\.uk\S*")
_WORD = re.compile(r"[A-Za-z]{2,}")

# --------------------------------------------------------------------------- judgement tables and covers

_GRADE = r"(?:Outstanding|Good|Adequate|Inadequate|Requires [Ii]mprovement(?: to be [Gg]ood)?)"
# A grade printed as a table cell: after the judgement's name, before the next cell or the end. A grade in a
# sentence follows a verb or a preposition ("judged Good", "from Good to Outstanding") and is not a cell.
_GRADE_CELL = re.compile(r"(?<=[a-z’')]) %s(?= [A-Z0-9]|$)" % _GRADE)
# The word before a cell ends a judgement's name in lower case; a capital starts a name ("the Achieving
# Outstanding Board").
_NAME_BEFORE = re.compile(r"\b[A-Z][\w’']*$")
_NOT_A_CELL = re.compile(
    r"\b(?:is|are|was|were|be|been|being|as|judged|rated|remains?|remained|graded|or|and|to|from|of|than|a|an|the|"
    r"receive[sd]?|achieved?|became|becoming|become|stays?|stayed|now|still|overall|currently|previously|"
    r"consistently|judgement|grade)$")
_TABLE_HEADING = re.compile(r"\bJudgement [Gg]rade\b|\bKey [Jj]udgement\b|\(Grade \d\).*\(Grade \d\)")
# One cover field is a fact answer's citation ("Lead inspector: Neil Penswick"); two or more are the cover.
_COVER_FIELD = re.compile(r"Inspection dates?:|Lead inspectors?:|Report published:")
# A grade glued to the section's first sentence, often with the "Summary" heading between (SIF reports).
_GRADE_THEN_TEXT = re.compile(r"(?<=[a-z’')]) %s (?:Summary )?(?=[A-Z])" % _GRADE)

# --------------------------------------------------------------------------- contents pages and footnote text

# "Heading words 12 Next heading": a page or footnote number between a word and a capital. Dates ("1 October"),
# references ("section 17 Children Act", "aged 16 and 17 Young ...") and counts ("looked at 120 cases") are not:
# the number follows a reference word, is followed by a month, or is followed by a lower-case word.
_NUMBER_BETWEEN = re.compile(r"(?<=[\w’'):?]) (\d{1,3}) (?=[A-Z‘“'\"(])(?!(?:%s)\b)" % _MONTHS)
_REFERENCE_WORD = re.compile(
    r"(?:\b(?:section|sections|s|regulation|regulations|reg|paragraph|paragraphs|para|chapter|chapters|part|parts|"
    r"annex|schedule|article|articles|page|pages|aged|age|ages|year|years|grade|level|levels|stage|step|outcome|"
    r"outcomes|enabler|phase|standard|standards|figure|table|appendix|principle|principles|box|flow chart|rule|"
    r"rules|order|key|number|no|under|over|and|or|to|of|from|between|than|by|about|around|nearly|almost|just|only|"
    r"with|at|least|most|all|some|these|those|the|every|per|for)[.,]?"
    r"|(?<!\b[12]\d\d)\d[.,]?)$",  # after another number, unless that one is a year ("Regulations 2015 97 See")
    re.I)
_LEADING_NUMBER = re.compile(r"^(\d{1,3}) (?=[A-Z‘“])")
_CONTENTS_WORD = re.compile(r"\bContents\b(?! of\b)")
# Footnotes are numbered one after another, and so are the pages of a contents list of short headings or of
# chapters, annexes and flow charts ("pre-proceedings 105 Flow chart 3: Immediate protection 106 ...").
_CONTENTS_ENTRY = re.compile(r"(?<!\d)\d{1,3} (?:Chapter|Part|Annex|Appendix|Flow chart|Table|Figure|Introduction|"
                             r"Glossary|References)\b")

# --------------------------------------------------------------------------- footnote markers

# A footnote number glued to the word it annotates: "the panel's guidance192 for", "Duty25", "the legal
# minimum.30 It is", "(2018)'220.", "account for 16%6 of", "Human Rights Act 199823". Programme names ("Power2",
# "MASH24", "Catch22"), "s20", "post-16" and "COVID-19" stay whole: a capitalised word needs two digits, capitals
# and hyphens none.
_GLUED_MARKER = re.compile(
    r"(?<![\w-])[a-z][a-z’']{2,}[.,;:)’”]?\d{1,3}(?=[\s,.;:)]|$)"
    r"|(?<![\w-])[A-Z][a-z’']{2,}\d{2,3}(?=[\s,.;:)]|$)"
    r"|(?<![\w-])[A-Za-z][a-z]{2,}[.,;:)’”]{1,2}\d{1,3}(?=\s|$)"
    r"|(?<=\))[’”]\d{1,3}(?=[\s.,;:]|$)"
    r"|(?<=\d%)\d{1,2}(?=[\s,.;:)]|$)"
    r"|\b(?:Act|Regulations|Order|Rules) (?:19|20)\d\d\d{1,3}\b")
_NAMES_WITH_DIGITS = {"Catch22", "Elev8", "Power2", "Foster4", "Ready2", "Step2"}
# A single footnote body read into a paragraph: "... work together with appropriate 31 When a school has ...".
_STARTERS = ("This|These|The|It|They|There|We|Our|In|If|When|Where|All|Some|Most|Many|For|As|Each|Every|However|"
             "Although|While|Whilst|He|She|You|Any|To|How|Why|Leaders|Inspectors|Practitioners|Following|During|"
             "Since|Once|Before|After|Despite|Until|Unless|Because")
_FOOTNOTE_MID = re.compile(r"(?<![\w’'-])([a-z]{3,}) \d{1,3} (?:%s) (?=[a-z])" % _STARTERS)

# --------------------------------------------------------------------------- headings glued to a sentence

# A sentence's first word, capitalised mid-text and followed by a lower-case word: the full stop or line break
# between a heading, a list, a table cell or a flow-chart box and the next sentence is missing.
_GLUED_AFTER_WORD = re.compile(
    r"(?<![A-Za-z’'-])([a-z][a-z’']*[a-z]|\([A-Z]{2,}\)) (%s) (?=[a-z]|[A-Z]{2,}\b)" % _STARTERS)
# After a preposition or an article the capital opens a name: "support for Our voice our service (OVOS)".
_BEFORE_A_NAME = {"for", "of", "to", "with", "by", "from", "the", "a", "an", "and", "or", "called", "named", "as",
                  "at", "on", "in", "into", "via", "under"}
# ... or after a title-case heading that itself follows lower-case text: "... loving homes Purpose and
# Principles of Children's Social Care This chapter describes ...".
# Only function words count here: names carry nouns and prepositions ("Her Majesty's Inspectors from", "the
# Care and After team", "the Missing You team", "the Safeguarding and Looked After inspection").
_TITLE_STARTERS = "This|These|The|It|They|There|We|In|If|When|Where|All|Some|Most|Each|However|Although|While|Whilst"
_GLUED_AFTER_TITLE = re.compile(
    r"[a-z,)] (?:[A-Z][\w’'-]*(?: (?:of|and|the|for|to|in|on|with|&))* )+(%s) (?=[a-z])" % _TITLE_STARTERS)
# "A"/"An" open sentences too, but also follow a conjunction in statute text ("B does not consent and A does
# not reasonably believe ...") and name a plan, an annex or a grade ("plan A", "Annex A", "graded A to G",
# "A levels").
_GLUED_ARTICLE = re.compile(r"(?<![A-Za-z’'-])([a-z][a-z’']*[a-z]) (?:A|An) (?!(?:to|and|or|levels?)\b)(?=[a-z])")
_NOT_BEFORE_ARTICLE = {"and", "or", "but", "nor", "that", "if", "whether", "when", "where", "unless", "because",
                       "while", "plan", "option", "part", "annex", "appendix", "schedule", "category", "grade", "type",
                       "level", "class", "section", "form", "list", "table", "figure", "group", "phase", "stage",
                       "step", "box", "tier", "band", "route", "person", "child", "parent", "graded", "grades"}
# A heading in capitals read into the text: "... as follows:— PART 1 CHILDREN CHAPTER 1 LOOKED AFTER ...".
_CAPITALS_HEADING = re.compile(r"(?<![(\w])(?:[A-Z]{2,}(?: \d{1,3})? ){3,}")
# Working Together's myth-busting table: "... prevent the sharing of personal information No, this is not ...".
_GLUED_ANSWER = re.compile(r"(?<=[a-z]) (?:No|Yes), (?=[a-z])")
# A numbered paragraph ("3.1 This chapter ...") starting mid-quote, after a heading or the previous paragraph.
_PARAGRAPH_MID = re.compile(r"(?<=[A-Za-z’')]) (\d{1,2}\.\d{1,2}) (?=[A-Z‘“(])")

# --------------------------------------------------------------------------- broken sentences

# A full stop followed by a lower-case word: a sentence from another column, or the next page, joined
# mid-sentence ("... from an appropriate company or legal service. relevant agencies to safeguard ...").
# Abbreviations ("etc. and", "e.g. the") and roman list numbers ("information iii. other") are not.
_BROKEN_JOIN = re.compile(
    r"(?<![\w.])(?!(?:etc|approx|para|paras|reg|regs|sch|art|arts|incl|dept|govt|viz|misc|cont|[ivx]+)\.)"
    r"[a-z]{3,}\. (?=[a-z]{2,}|[ivx]{1,4}\.)")


def junk_reason(text: str) -> str | None:
    """Why `text` is not a quotable sentence, or None when it is one. The reasons: "running header", "url
    only", "grade table", "cover page", "contents page", "footnote text", "footnote markers", "glued heading",
    "broken sentence" (and "empty")."""
    text = " ".join((text or "").split())
    if not text:
        return "empty"
    if _RUNNING.search(text) or _COMMENCEMENT_TAIL.match(text):
        return "running header"
    if _URL.search(text) and len(_WORD.findall(_URL.sub(" ", text))) < 4:
        return "url only"
    if _TABLE_HEADING.search(text) or _grade_cells(text) >= 2:
        return "grade table"
    if len(_COVER_FIELD.findall(text)) >= 2:
        return "cover page"
    numbers = _numbers_between_words(text)
    if numbers and _CONTENTS_WORD.search(text):
        return "contents page"
    if len(numbers) >= 2:
        steps = [b - a for a, b in zip(numbers, numbers[1:])]
        short_entries = len(_WORD.findall(text)) <= 5 * len(numbers)
        if all(0 < s <= 2 for s in steps) and not short_entries and not _CONTENTS_ENTRY.search(text):
            return "footnote text"  # footnotes 194, 195, 196 read into the paragraph
        if all(s >= 0 for s in steps):
            return "contents page"  # page numbers never go back
    if any(not _REFERENCE_WORD.search(m.group(1)) for m in _FOOTNOTE_MID.finditer(text)):
        return "footnote text"
    if _glued_markers(text):
        return "footnote markers"
    if any(_is_cell(text, m.start()) for m in _GRADE_THEN_TEXT.finditer(text)) or _glued_heading(text):
        return "glued heading"
    if _BROKEN_JOIN.search(text):
        return "broken sentence"
    return None


def _is_cell(text: str, start: int) -> bool:
    before = text[:start]
    return not _NOT_A_CELL.search(before) and not _NAME_BEFORE.search(before)


def _grade_cells(text: str) -> int:
    return sum(1 for m in _GRADE_CELL.finditer(text) if _is_cell(text, m.start()))


def _numbers_between_words(text: str) -> list[int]:
    """Page or footnote numbers standing between words, with the footnote number a quote may open with."""
    numbers = [int(m.group(1)) for m in _NUMBER_BETWEEN.finditer(text)
               if not _REFERENCE_WORD.search(text[max(0, m.start() - 12):m.start()])]
    lead = _LEADING_NUMBER.match(text)
    if lead and numbers and 0 < numbers[0] - int(lead.group(1)) <= 2:
        numbers.insert(0, int(lead.group(1)))
    return numbers


def _glued_markers(text: str) -> int:
    return sum(1 for m in _GLUED_MARKER.finditer(text)
               if re.sub(r"[.,;:)’”]", "", m.group(0)) not in _NAMES_WITH_DIGITS)


def _glued_heading(text: str) -> bool:
    if any(m.group(1) not in _BEFORE_A_NAME for m in _GLUED_AFTER_WORD.finditer(text)):
        return True
    if _GLUED_AFTER_TITLE.search(text):
        return True
    if any(m.group(1) not in _NOT_BEFORE_ARTICLE for m in _GLUED_ARTICLE.finditer(text)):
        return True
    if _CAPITALS_HEADING.search(text) or _GLUED_ANSWER.search(text):
        return True
    return any(not _REFERENCE_WORD.search(text[max(0, m.start() - 12):m.start()])
               for m in _PARAGRAPH_MID.finditer(text))
