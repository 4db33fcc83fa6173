"""The briefing's "what distinguishes" phrases carry meaning on their own (issue 16, item 12b): no single word,
no stop word or fragment at an edge, no grade restated, nothing mined from judgement tables or text that many
reports repeat word for word. `bench/phrases.py` measures the same on real themes over a full index."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.models import DocumentInfo
from assistant.text import STOP_WORDS
from assistant.trainer.phrases import FUNCTION_WORDS, _furniture, _Gram, meaningful

# What the old rules let through, on the fixture index and on the full one (README, "Trainer tools").
NOT_PHRASES = ["too", "lack", "strong", "sufficiently", "take place", "not provide", "not consistently", "not yet",
               "too high", "too many care", "quality", "records do not always", "achieving permanence good",
               "care leavers requires", "leavers have access", "leavers who are parents", "wide range",
               "children wait", "highly effective", "visited regularly", "living in neglectful"]
PHRASES = ["group supervision", "high caseloads", "repeat referrals", "chronic neglect", "delay in achieving permanence",
           "quality and consistency", "multi-agency child sexual exploitation", "information sharing", "early help"]


@pytest.mark.parametrize("phrase", NOT_PHRASES)
def test_fragments_stop_words_and_grades_are_not_phrases(phrase):
    assert not meaningful(phrase.split())


@pytest.mark.parametrize("phrase", PHRASES)
def test_noun_phrases_of_two_or_more_content_words_are(phrase):
    assert meaningful(phrase.split())


def test_a_phrase_most_of_whose_uses_share_a_neighbour_is_a_fragment():
    g = _Gram()
    g.surfaces["leavers have access"] = 5
    g.before.update({"care": 4, None: 1})
    g.after.update({None: 5})
    assert g.fragment()
    g.before = type(g.before)({"care": 2, "all": 1, None: 2})  # "all" is no content word: counted as None
    assert not g.fragment()


def _doc(i: int) -> DocumentInfo:
    return DocumentInfo(doc_id=f"{i:064x}", path=f"reports/{i}.pdf", title=f"Report {i}", kind="report",
                        local_authority=f"Council {i}", published=dt.date(2015, 1, 1), pages=1, chunks=1)


def test_judgement_tables_and_repeated_descriptors_are_not_mined():
    from assistant.trainer.evidence import Passage

    def passage(i, text):
        return Passage(row={}, doc=_doc(i), start=0, end=len(text), text=text, relevance=1.0, rank=0, grade=None, area=None)

    descriptor = "A good local authority leads effective services that help, protect and care for children."
    ps = [passage(i, descriptor) for i in range(3)] + [
        passage(3, "Children looked after and achieving permanence Good 2.1 Adoption performance Good"),
        passage(4, "Group supervision is well established and valued by practitioners."),
        passage(5, "Good multi-agency working protects children at the front door."),
    ]
    assert _furniture(ps) == {0, 1, 2, 3}


def test_a_real_themes_phrases_hold_no_single_or_stop_word(supervision_briefing, index):
    """On the fixture's real reports the old rules gave "quality", "take place" and "records do not always"."""
    from assistant.trainer import build_briefing

    for b in (supervision_briefing, build_briefing(index, "care leavers"), build_briefing(index, "caseloads")):
        phrases = [d.phrase for d in b.distinctions]
        for phrase in phrases:
            ws = phrase.split()
            assert len(ws) >= 2, (b.theme, phrase)
            assert ws[0] not in STOP_WORDS | FUNCTION_WORDS and ws[-1] not in STOP_WORDS | FUNCTION_WORDS, (b.theme, phrase)
        for prompt in b.prompts:
            assert "\u201ctake place\u201d" not in prompt and "\u201cnot provide\u201d" not in prompt
    assert "group supervision" in [d.phrase for d in supervision_briefing.distinctions]
