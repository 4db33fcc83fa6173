"""The lead's quote (assistant/compose.py, _best): which verified quote answers the question first. No index
needed: the quotes are built here, in the shapes the gold set's questions met."""
from __future__ import annotations

from assistant.compose import Picked, Telling, _ASKS_FOR_ACTIONS, _best
from assistant.models import Citation, DocumentInfo
from assistant.stance import classify

DOC = DocumentInfo(doc_id="d" * 64, path="reports/x/children's services inspection - 1 may 2025.pdf", title="t",
                   kind="report", local_authority="Dorset", pages=12, chunks=60)


def _picked(quote: str, score: float, section: str = "The experiences and progress of children in care: good") -> Picked:
    cit = Citation(n=0, doc_id=DOC.doc_id, path=DOC.path, title="t", kind="report", page=4, quote=quote, score=score)
    return Picked(cit, DOC, {"section": section}, score, classify(quote, section))


def test_a_finding_leads_before_an_item_to_improve():
    # Somerset 2026: "Does Somerset know how many children are missing from school?" led with the list item.
    item = _picked("The arrangements to identify, track and respond to children missing education.", 2.0,
                   section="What needs to improve?")
    finding = _picked("However, this has not led to a precise understanding of the numbers of children missing "
                      "education.", 1.5)
    telling = Telling([{"children miss educ"}], [3.0], actions=False)
    assert item.stance == "improvement"
    assert _best([item, finding], telling=telling) is finding


def test_a_question_asking_what_to_do_may_lead_with_an_item_to_improve():
    item = _picked("Ensure that homeless 16 and 17 year olds are told of their right to be accommodated.", 1.0)
    finding = _picked("Homeless 16 and 17 year olds are referred to the housing team.", 1.5)
    question = "What did Ofsted recommend to Southampton in 2014 about homeless 16 and 17 year olds?"
    telling = Telling([{"homeless"}], [3.0], actions=bool(_ASKS_FOR_ACTIONS.search(question)))
    assert telling.actions and item.stance == "improvement"
    assert _best([item, finding], telling=telling) is item
    telling.actions = False
    assert _best([item, finding], telling=telling) is finding


def test_an_item_to_improve_leads_when_it_alone_names_the_topic():
    # Hampshire 2024: only the list item names return conversations; a strength about the virtual school is no answer.
    item = _picked("The take-up and quality of return conversations with children who go missing from home and care.",
                   3.7, section="What needs to improve?")
    other = _picked("The virtual school provides excellent and extensive support to care leavers.", 1.8)
    telling = Telling([{"return convers", "return home interview"}], [2.8], actions=False)
    assert _best([item, other], telling=telling) is item


def test_the_rarer_concept_outweighs_a_common_one():
    # "Is Dorset's LADO doing a decent job with allegations against staff?": the quote on the LADO, not on staff.
    staff = _picked("Audit themes are shared with managers and staff regularly.", 2.0)
    lado = _picked("The local authority designated officer service in Dorset is effective and well managed.", 1.0)
    telling = Telling([{"lado", "local author design offic"}, {"staff"}], [6.0, 1.2], actions=False)
    assert _best([staff, lado], telling=telling) is lado


def test_everyday_questions_are_not_asking_what_to_do():
    for question in ("How well does Essex support UASC?", "Is supervision any good in Stockport?",
                     "How has Kent's front door changed?"):
        assert not _ASKS_FOR_ACTIONS.search(question)


def test_an_item_to_improve_naming_more_words_does_not_outrank_a_finding_on_the_topic():
    # Stockport 2025: "is SW supervison any good": the item names supervision and social workers, the finding
    # names supervision and says what inspectors found.
    item = _picked("The quality of supervision for social workers and personal advisors so that it is reflective.",
                   2.7, section="What needs to improve?")
    finding = _picked("The quality of supervision is not consistently strong.", 3.7)
    telling = Telling([{"supervis"}, {"social worker", "sw"}], [4.9, 3.0], actions=False)
    assert _best([item, finding], "weakness", telling=telling) is finding


def test_between_quotes_naming_the_same_concepts_the_one_that_answers_leads():
    # Trafford 2026, "How quickly are contacts dealt with at Trafford's front door?": both name contacts; the
    # cross-encoder's fit (Picked.fit) says which one answers how quickly.
    mentions = _picked("Contacts about children at the front door are screened by social workers.", 2.0)
    answers = _picked("The response to contacts about children and families takes too long.", 1.0)
    telling = Telling([{"contact"}], [2.0], actions=False)
    assert _best([mentions, answers], telling=telling) is mentions  # unscored: the passage's score decides
    mentions.fit, answers.fit = -3.1, 4.2
    assert _best([mentions, answers], telling=telling) is answers
    # The fit breaks ties only: a quote naming a more telling concept still leads.
    telling = Telling([{"contact"}, {"screen"}], [2.0, 1.0], actions=False)
    assert _best([mentions, answers], telling=telling) is mentions
