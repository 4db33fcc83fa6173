"""Page cleaning (assistant/documents/cleaning.py): footnote markers glued to words are not sentence text."""
from __future__ import annotations

from assistant.documents.cleaning import clean_pages

# The shape of Working Together 2023, page 134: three-digit markers glued to words and a footnote block.
PAGE_134 = """335. Others who have functions relating to children195 should inform the safeguarding
partners of any incident.
337. They must consider whether the case meets the criteria for a local review196. If
safeguarding partners determine that the criteria is met, a rapid review must take place in

194 Report a serious child safeguarding incident
195 This means any person or organisation with statutory or official duties
196 Children Act 2004 Section 16F"""
PAGE_135 = "accordance with the guidance. The review should start within 15 working days."


def test_three_digit_footnote_markers_leave_the_words_and_the_footnotes_stay():
    page, nxt = clean_pages([PAGE_134, PAGE_135])
    assert "children should inform" in page and "local review. If" in page
    assert "children195" not in page and "review196" not in page
    assert "195 This means any person" in page  # a footnote can carry the answer
    assert nxt == PAGE_135


def test_a_marker_after_punctuation_is_removed_only_after_a_word():
    page = clean_pages(["The minimum.30 It applies from section 4.30 onwards.\n\n30 See the regulations"])[0]
    assert "minimum. It" in page and "section 4.30 onwards" in page


def test_a_number_is_taken_for_a_marker_only_when_the_page_has_that_footnote():
    text = "Children aged 16 and 17 are seen. The plan for 2019 is set.\n\n1 A footnote"
    assert clean_pages([text])[0] == text
