"""Which passages are kept out of the vectors (assistant/documents/boilerplate.py)."""
from __future__ import annotations

from assistant.documents.boilerplate import MIN_TOKENS, is_contents_listing, worth_embedding


def test_contents_listings_are_recognised():
    listing = ("10 Chapter 1: A shared responsibility 11 A child-centred approach within a whole family focus 11 "
               "Principles for working with parents and carers 14 Expectations for multi-agency working 16")
    assert is_contents_listing(listing)
    assert not worth_embedding(listing, 60)


def test_findings_with_numbers_are_not_contents():
    finding = ("34. No social worker is receiving one-to-one case supervision. Caseloads are too high: 25 of the "
               "30 social workers spoken to hold more than 30 children, and 12 have not been supervised for 3 months.")
    assert not is_contents_listing(finding)
    assert worth_embedding(finding, 45)


def test_fragments_are_too_short():
    assert not worth_embedding("(Reg 39)", 5)
    assert worth_embedding("Children in care are seen regularly by their social workers.", MIN_TOKENS)
