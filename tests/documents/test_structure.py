"""Report structure (assistant/documents/structure.py): judgement headings in the layouts the corpus really has,
and sentence lines that must stay text. Each page is the shape pypdf gives one of the named reports."""
from __future__ import annotations

from assistant.documents.reports import area_for_heading
from assistant.documents.structure import parse_blocks

# The "what needs to improve" list, then a judgement heading wrapped before its grade (Cumberland 2024, and
# Gateshead, Manchester, Sunderland, Sefton, Reading, Kensington and Chelsea, Medway): 14 reports' paragraphs
# fell under "What needs to improve?" and were labelled as items to improve.
WRAPPED_BEFORE_GRADE = """What needs to improve?
\u2022 The response to children who are privately fostered.
\u2022 The timeliness and quality of return home interviews.
The experiences and progress of children who need help and protection:
requires improvement to be good
1. Most children and families benefit from thorough and robust screening at the
front door by skilled workers.
2. Children who are identified as living in private fostering arrangements do not
always receive a consistently effective response."""

# The heading wrapped inside its area and ending in a full stop (Cheshire East 2020, Stockton-on-Tees 2019).
WRAPPED_WITH_FULL_STOP = """What needs to improve
\u2022 Pathway planning for children aged 16 and 17.
The experiences and progress of children who need help and
protection: requires improvement to be good.
1. Children in need of help and protection receive a timely response."""

# The heading right after a list item that has no full stop (Newcastle upon Tyne 2022).
AFTER_UNFINISHED_ITEM = """What needs to improve?
\u2022 Clarity about the roles of child protection chairs and independent reviewing officers
to provide effective scrutiny and challenge of children's plans
The experiences and progress of children who need help and
protection: good
1. Children in need of help and protection are receiving a good service."""


def _paragraphs(pages: list[str]) -> dict[str, tuple[str, str | None]]:
    return {b.paragraph: (b.section, b.area) for b in parse_blocks(pages, area_for_heading) if b.kind == "numbered"}


def test_a_judgement_heading_wrapped_before_its_grade_starts_the_section():
    paras = _paragraphs([WRAPPED_BEFORE_GRADE])
    assert paras["1"][1] == paras["2"][1] == "help_and_protection"
    assert paras["2"][0].startswith("The experiences and progress of children who need help and protection")


def test_a_judgement_heading_ending_in_a_full_stop_starts_the_section():
    assert _paragraphs([WRAPPED_WITH_FULL_STOP])["1"][1] == "help_and_protection"


def test_a_judgement_heading_after_a_list_item_without_a_full_stop_starts_the_section():
    paras = _paragraphs([AFTER_UNFINISHED_ITEM])
    assert paras["1"][1] == "help_and_protection"
    items = [b for b in parse_blocks([AFTER_UNFINISHED_ITEM], area_for_heading) if b.kind == "bullets"]
    assert "The experiences and progress" not in items[0].text  # the heading is not glued to the list item


def _headings(pages: list[str]) -> list[str]:
    return [b.text for b in parse_blocks(pages, area_for_heading) if b.kind == "heading"]


def test_a_sentence_first_line_is_not_a_heading():
    # Cambridgeshire 2024, a paragraph: a short first line of a sentence, its next line capitalised.
    page = """The impact of leaders on social work practice with children and families: good
1. Since the last inspection, the service has gone through significant changes.
This decoupling has enabled the recruitment and introduction of a new
Cambridgeshire senior leadership team within Children, Education and Families.
2. Leaders know their services well."""
    assert _headings([page]) == ["The impact of leaders on social work practice with children and families: good"]
    paras = _paragraphs([page])
    assert paras["1"][1] == paras["2"][1] == "impact_of_leaders"


def test_a_quoted_sentence_before_a_paragraph_is_not_a_heading():
    # Derby 2022: a care leaver's words end a paragraph; the next paragraph stays in care leavers' section.
    page = """The experiences and progress of children in care and care leavers: good
1. They also reported that PAs are honest with them. One young person said, 'I cannot fault her!'
Another said, 'Thank you for all of the help and support - they do a great job!'
2. PAs know young people well and are passionate and dedicated."""
    assert len(_headings([page])) == 1
    assert _paragraphs([page])["2"][1] == "children_in_care"


def test_a_line_ending_in_a_preposition_before_a_page_break_is_not_a_heading():
    # Bury 2025: a sentence broken by the page's footnote and page break.
    pages = ["""The experiences and progress of children who need help and protection: good
3. Workers in the MASH apply thresholds effectively.
Social workers follow up concerns in a timely way, seeking consent from
""", """parents where appropriate.
4. Strategy meetings are timely."""]
    assert len(_headings(pages)) == 1
    assert _paragraphs(pages)["4"][1] == "help_and_protection"


def test_the_cover_pages_judgement_table_is_not_a_section():
    # The cover's table has the headings' words: the summary after it belongs to no judgement area.
    cover = """Judgement Grade
The experiences and progress of children who need help and protection:
good
The experiences and progress of children in care:
good
Overall effectiveness Good

Services for children in the county are good. Leaders know their services well."""
    blocks = parse_blocks([cover], area_for_heading)
    assert not [b for b in blocks if b.kind == "heading" and b.area]
    assert all(b.area is None for b in blocks)


# Framework documents: chapter-numbered paragraphs, a paragraph introducing its list, a page's footnotes.
from assistant.chunking import chunk_blocks  # noqa: E402

# The IRO handbook, page 18: the review timings are a list introduced by paragraph 3.23.
IRO_TIMINGS = """3.22 The IRO should ensure that the views of the following are considered at the review,
whether or not they attend a meeting:
\u2022\u2022 birth parents and any other adults with parental responsibility;
\u2022\u2022 relevant professionals.
Timing of review meetings
3.23 The local authority is required to carry out review meetings in line with timings
specified in the Regulations [regulation 33]:
\u2022\u2022 the first review of a child\u2019s case within 20 working days of the date on which the
child becomes looked after;
\u2022\u2022 the second review no more than three months after the first;
3.24 The date of the review meeting for recording purposes is the date of the first
meeting."""

# The guide to the children's homes regulations, page 7: the numbered list of standards inside paragraph 1.14,
# whose lead-in wraps onto a line ending in ":" (it was taken for a heading and left out of every chunk).
QUALITY_STANDARDS = """About the Quality Standards
1.13 The Regulations set out standards (\u201cthe Quality Standards\u201d) that must be met by
homes.
1.14 The Regulations prescribe nine Quality Standards which must be met by
children\u2019s homes:
1. The quality and purpose of care standard (see regulation 6)
2. The children\u2019s views, wishes and feelings standard (see regulation 7)
3. The education standard (see regulation 8)
1.15 Collectively these nine standards are the Quality Standards."""

# Working Together, pages 64-65: paragraph 184 runs on past the page's footnotes (numbered from 1 here: a
# document's numbering starts at 1).
FAMILY_GROUP = ["""1. This review should also consider how the family network is supporting the parent.
2. Practitioners should consider if a family group decision-making forum is appropriate
to determine the help and support the family network can provide for the child. Local

89 Attendance below 90% is classed as persistent absence and requires targeted support by schools and
attendance teams, where appropriate.
90 Children Act 1989 Section 17ZD and Carers (Recognition and Services) Act 1995 Section 1""",
                """authorities should consider referring the family to a family group decision-making service.
3. Family group decision-making promotes the involvement of the family network."""]


def _chunks(pages: list[str]):
    return chunk_blocks(parse_blocks(pages), max_tokens=215, min_tokens=40)


def test_chapter_numbered_paragraphs_are_cited_by_their_number_with_their_list():
    [timings] = [c for c in _chunks([IRO_TIMINGS]) if "20 working days" in c.text]
    assert timings.paragraph == "3.23" and timings.section == "Timing of review meetings"
    assert timings.text.startswith("3.23 The local authority is required to carry out review meetings")
    assert "three months after the first" in timings.text and "3.24" not in timings.text


def test_a_lead_in_ending_in_a_colon_is_text_not_a_heading():
    chunks = _chunks([QUALITY_STANDARDS])
    [standards] = [c for c in chunks if "nine Quality Standards" in c.text]
    assert standards.paragraph == "1.14" and standards.section == "About the Quality Standards"
    assert "3. The education standard" in standards.text and "Collectively" not in standards.text
    assert [c.paragraph for c in chunks] == ["1.13", "1.14", "1.15"]


def test_a_paragraph_runs_on_past_the_pages_footnotes():
    chunks = _chunks(FAMILY_GROUP)
    [para] = [c for c in chunks if c.paragraph == "2"]
    assert "can provide for the child. Local authorities should consider referring the family" in para.text
    assert "Attendance" not in para.text and para.pages == [1, 2]
    [notes] = [c for c in chunks if "Attendance below 90%" in c.text]
    assert notes.paragraph is None and "Section 17ZD" in notes.text  # still searchable, on its own


def test_reports_keep_their_cover_table_rows_as_they_are():
    # A single inspection framework cover lists sub-judgements as "2.1 ...": not paragraphs of a report.
    cover = """1. Children who need help and protection Requires improvement
2. Children looked after and achieving permanence Requires improvement
2.1 Adoption performance Good
2.2 Experiences and progress of care leavers Requires improvement"""
    blocks = parse_blocks([cover], area_for_heading)
    assert [(b.kind, b.paragraph) for b in blocks] == [("numbered", "1"), ("numbered", "2")]
    assert blocks[1].text.endswith("2.1 Adoption performance Good 2.2 Experiences and progress of care leavers "
                                   "Requires improvement")
    # The same lines in a framework document are its paragraphs 2.1 and 2.2.
    assert [b.paragraph for b in parse_blocks([cover])] == ["1", "2", "2.1", "2.2"]


def test_a_number_starting_a_sentence_line_is_no_paragraph_and_no_footnote():
    # "2.5 million" wrapped to a line's start continues paragraph 2.4; "4 After the review" at a page's foot,
    # before paragraph 4.1, is a heading, not a footnote.
    pages = ["2.4 Nationally there are about\n2.5 million children in need.\n2.5 The plan is reviewed.\n\n"
             "4 After the review\n4.1 The IRO should write the record of the review."]
    chunks = _chunks(pages)
    assert [(c.paragraph, c.section) for c in chunks] == [("2.4", "Summary"), ("2.5", "Summary"),
                                                          ("4.1", "4 After the review")]
    assert chunks[0].text == "2.4 Nationally there are about 2.5 million children in need."


def test_a_lead_in_at_a_pages_foot_keeps_its_list_past_the_footnotes():
    pages = ["3.22 The IRO must attend.\n3.23 The Regulations prescribe standards which must be met by\nhomes:\n\n"
             "12 Regulation 33 of the Care Planning Regulations 2010.",
             "1. The quality standard\n2. The views standard\n3.24 The next one."]
    chunks = _chunks(pages)
    assert [c.paragraph for c in chunks] == ["3.22", "3.23", None, "3.24"]
    assert chunks[1].text.endswith("must be met by homes: 1. The quality standard 2. The views standard")
    assert chunks[2].text.startswith("12 Regulation 33")


def test_footnotes_after_blank_lines_are_all_notes_and_numbered_upwards():
    pages = ["1.1 A rule.\n1.2 The rule runs\n\n1 Note A\n\n2 Note B", "on here.\n\n3 Note C",
             "1.3 Another rule.\n\n2 Not a note: it numbers down"]
    chunks = _chunks(pages)
    assert [c.text for c in chunks if c.paragraph == "1.2"] == ["1.2 The rule runs on here."]
    assert [c.text for c in chunks if c.paragraph is None] == ["1 Note A 2 Note B", "3 Note C"]
