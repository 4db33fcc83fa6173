"""The lead's quote (assistant/compose.py, _best): which verified quote answers the question first. No index
needed: the quotes are built here, in the shapes the gold set's questions met."""
from __future__ import annotations

from types import SimpleNamespace

from assistant.answers import cite_span, concept_phrases, own_wordings
from assistant.compose import Picked, Telling, _ASKS_FOR_ACTIONS, _best, lead_part
from assistant.models import Citation, DocumentInfo
from assistant.stance import classify

DOC = DocumentInfo(doc_id="d" * 64, path="reports/x/children's services inspection - 1 may 2025.pdf", title="t",
                   kind="report", local_authority="Dorset", pages=12, chunks=60)


def _picked(quote: str, score: float, section: str = "The experiences and progress of children in care: good",
            paragraph: str | None = None) -> Picked:
    cit = Citation(n=0, doc_id=DOC.doc_id, path=DOC.path, title="t", kind="report", page=4, quote=quote, score=score,
                   paragraph=paragraph)
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


def test_a_numbered_paragraph_leads_before_the_summary_that_restates_it():
    # Stoke-on-Trent 2019: the summary and paragraph 34 say the same; the lead cites the paragraph, with its number.
    summary = _picked("No social worker is receiving one-to-one case supervision, and this means that there is little "
                      "management direction and challenge to their work.", 2.1, section="Summary")
    body = _picked("No social worker is receiving one-to-one case supervision from a manager, with the result that "
                   "there has been little case direction.", 3.1, paragraph="34")
    summary.fit, body.fit = -5.0, -5.9  # the cross-encoder reads the shorter summary a little better
    telling = Telling([{"supervis"}], [4.9], actions=False)
    assert _best([summary, body], telling=telling) is body
    body.cit.paragraph = None
    assert _best([summary, body], telling=telling) is summary  # no number on either: the fit decides


def test_a_quote_the_cross_encoder_reads_as_no_answer_yields_to_one_that_answers():
    # Slough 2023, "How is the relationship between Slough council and its children's trust?": "trusting" and
    # "young people" name more of the question's words than the answer does.
    care_leavers = _picked("Care leavers benefit from positive, trusting and stable relationships with their personal "
                           "advisers (PAs).", 2.6)
    council = _picked("Professional relationships between the council and Slough Children First have improved.", 1.9,
                      paragraph="50")
    telling = Telling([{"child", "young peopl"}, {"relationship"}, {"trust"}], [2.8, 2.6, 3.6], actions=False)
    assert telling.weight(care_leavers.cit.quote) > telling.weight(council.cit.quote)
    care_leavers.fit, council.fit = -9.2, 4.2
    assert _best([care_leavers, council], telling=telling) is council
    # Read as merely less good, it keeps the lead: the concepts decide, the fit breaks ties.
    care_leavers.fit = -3.0
    assert _best([care_leavers, council], telling=telling) is care_leavers
    # An answer naming less than half the concepts' weight is not enough to take the lead.
    care_leavers.fit = -9.2
    telling = Telling([{"child", "young peopl"}, {"relationship"}, {"trust"}, {"benefit"}], [2.8, 1.0, 3.6, 6.0],
                      actions=False)
    assert _best([care_leavers, council], telling=telling) is care_leavers


# Devon 2025, paragraph 6, and (added here) a sentence qualifying its weakness.
DEVON = ("Thresholds for different levels of intervention are understood and applied by staff and managers in the "
         "front door, and most decisions about next steps are completed in timescales appropriate to children\u2019s "
         "needs. When children are deemed to be at risk of harm, this is usually quickly recognised, and work moves out "
         "of the front door to the assessment and intervention teams. Children\u2019s immediate safety needs prior to a "
         "strategy meeting taking place are not always properly considered at the front door. However, managers "
         "review most contacts within a day.")


def _devon_index_and_quote() -> tuple[SimpleNamespace, Picked]:
    page = "6. " + DEVON
    row = {"chunk_id": "c6", "doc_id": DOC.doc_id, "text": page, "segments": [(3, 0, len(page))],
           "section": "The experiences and progress of children who need help and protection: inadequate",
           "paragraph": "6"}
    index = SimpleNamespace(store=SimpleNamespace(page_text=lambda doc_id, n: page if n == 3 else None))
    start = page.index("Thresholds")
    cit = cite_span(index, DOC, row, start, len(page), 1.0)
    assert cit is not None and cit.quote == DEVON
    return index, Picked(cit, DOC, row, 1.0, classify(DEVON, row["section"]))


def test_a_lead_wanting_a_weakness_quotes_the_sentence_that_states_it():
    # "What is going wrong at Devon's front door?": the paragraph reads as a strength overall, and holds the
    # weakness the question asks for.
    index, quote = _devon_index_and_quote()
    assert quote.stance == "strength"
    other = _picked("Screening activity at the front door is mostly effective.", 3.0, paragraph="5")
    telling = Telling([{"front door"}], [6.3], actions=False)
    assert _best([other, quote], "weakness", telling=telling) is quote
    lead = lead_part(quote, "weakness", index)
    # The weakness and the sentence qualifying it, verified on the page like any quote; the paragraph's citation.
    assert lead.cit.quote == ("Children\u2019s immediate safety needs prior to a strategy meeting taking place are "
                              "not always properly considered at the front door. However, managers review most "
                              "contacts within a day.")
    assert (lead.cit.page, lead.cit.paragraph, lead.stance) == (3, "6", "weakness")
    assert lead_part(quote, "strength", index) is quote  # already of the stance wanted: all of it
    assert lead_part(quote, None, index) is quote


def test_of_quotes_naming_the_same_concept_the_one_in_the_users_own_words_leads():
    # "What did inspectors say about supervision?": the glossary counts management oversight as the same concept.
    oversight = _picked("Management oversight of children's plans is regular and effective.", 3.0, paragraph="40")
    supervision = _picked("Supervision of social workers is regular and reflective.", 2.0, paragraph="41")
    oversight.fit, supervision.fit = 2.0, 1.0
    concept = ["supervision", "management oversight"]
    telling = Telling([concept_phrases(concept)], [4.9], actions=False, own=[own_wordings(concept)])
    assert telling.weight(oversight.cit.quote) == telling.weight(supervision.cit.quote)
    assert _best([oversight, supervision], telling=telling) is supervision
    # An initialism and its expansion are one wording, either way round.
    assert own_wordings(["IRO", "independent reviewing officer"]) == concept_phrases(["IRO", "independent reviewing officer"])
    assert own_wordings(["independent reviewing officer", "IRO"]) == concept_phrases(["IRO", "independent reviewing officer"])


def test_the_narrowed_lead_is_the_wanted_sentence_on_the_topic_with_the_sentence_it_qualifies():
    text = ("Leaders have a clear plan for the service. Managers know their teams well. However, supervision is "
            "infrequent and does not challenge drift. Caseloads are too high in the assessment teams.")
    row = {"chunk_id": "c9", "doc_id": DOC.doc_id, "text": text, "segments": [(5, 0, len(text))],
           "section": "The impact of leaders on social work practice with children and families", "paragraph": "40"}
    index = SimpleNamespace(store=SimpleNamespace(page_text=lambda doc_id, n: text if n == 5 else None))
    cit = cite_span(index, DOC, row, 0, len(text), 1.0)
    quote = Picked(cit, DOC, row, 1.0, "strength")  # as a paragraph of mostly strengths reads
    # Two weaknesses: the one on the question's topic leads, with the sentence its "However" turns from.
    lead = lead_part(quote, "weakness", index, Telling([{"supervis"}], [4.9], actions=False))
    assert lead.cit.quote == ("Managers know their teams well. However, supervision is infrequent and does not "
                              "challenge drift.")
    lead = lead_part(quote, "weakness", index, Telling([{"caseload"}], [4.0], actions=False))
    assert lead.cit.quote == "Caseloads are too high in the assessment teams."
