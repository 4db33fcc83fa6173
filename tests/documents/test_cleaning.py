"""Page cleaning (assistant/documents/cleaning.py): footnotes are structure, not sentence text."""
from __future__ import annotations

from assistant.documents.cleaning import clean_pages

# The shape of Working Together 2023, page 134: three-digit markers glued to words, a footnote block closing
# the page, and a sentence that runs on over the page break.
PAGE_134 = """335. Others who have functions relating to children195 should inform the safeguarding
partners of any incident.
337. They must consider whether the case meets the criteria for a local review196. If
safeguarding partners determine that the criteria is met, a rapid review must take place in

194 Report a serious child safeguarding incident
195 This means any person or organisation with statutory or official duties
196 Children Act 2004 Section 16F"""
PAGE_135 = "accordance with the guidance. The review should start within 15 working days."


def test_footnote_markers_and_the_closing_footnotes_leave_the_page_text():
    page, nxt = clean_pages([PAGE_134, PAGE_135])
    assert "children should inform" in page and "local review. If" in page
    assert "195" not in page and "196" not in page and "Report a serious" not in page
    # The sentence cut by the page break now ends the page, so it joins the next page's words, not a footnote.
    assert page.rstrip().endswith("must take place in")
    assert nxt == PAGE_135


def test_a_marker_after_punctuation_is_removed_only_after_a_word():
    page = clean_pages(["The minimum.30 It applies from section 4.30 onwards.\n\n30 See the regulations"])[0]
    assert "minimum. It" in page and "section 4.30 onwards" in page


def test_a_numbered_list_closing_a_page_is_not_footnotes():
    text = "Priorities for the year\n\n1 Early help\n3 Children in care\n7 Care leavers"
    assert clean_pages([text])[0] == text
