"""Question understanding (assistant/query.py) on a small list of councils: no index needed."""
from __future__ import annotations

import pytest

from assistant.models import Filters
from assistant.query import CouncilMatcher, understand

COUNCILS = CouncilMatcher(["Stoke-on-Trent", "Bath and North East Somerset", "Kingston upon Hull", "Kent", "Leeds",
                           "Reading"])


@pytest.mark.parametrize("question, councils", [
    ("What did inspectors say about supervision in Stoke?", ["Stoke-on-Trent"]),
    ("How is the front door in B&NES?", ["Bath and North East Somerset"]),
    ("Care leavers in Hull", ["Kingston upon Hull"]),
    ("Compare Leeds and Kent on caseloads", ["Leeds", "Kent"]),
    ("What are inspectors reading about supervision?", []),  # a place name that is also an everyday word
])
def test_councils_are_recognised_in_their_short_forms(question, councils):
    assert understand(question, COUNCILS).filters.local_authority == councils


def test_years_become_a_range():
    assert (understand("supervision in Kent in 2019", COUNCILS).filters.year_from,
            understand("supervision in Kent in 2019", COUNCILS).filters.year_to) == (2019, 2019)
    since = understand("supervision in Kent since 2022", COUNCILS).filters
    assert (since.year_from, since.year_to) == (2022, 2100)


def test_an_explicit_filter_wins_over_the_question():
    u = understand("supervision in Kent", COUNCILS, Filters(local_authority=["Leeds"]))
    assert u.filters.local_authority == ["Leeds"] and "local_authority" not in u.detected


def test_glossary_equivalents_widen_the_search():
    u = understand("How do councils use section 20?", COUNCILS)
    assert any("s20" in concept for concept in u.concepts) and "s20" in u.expansion_text


def test_a_follow_up_keeps_the_council_and_the_topic():
    u = understand("and what about in 2022?", COUNCILS, history=["What did inspectors say about supervision in Stoke?"])
    assert u.filters.local_authority == ["Stoke-on-Trent"] and "supervision" in u.search_text


def test_framework_names_and_duties_are_noticed():
    u = understand("What does Working Together say about strategy discussions?", COUNCILS)
    assert u.documents == ["working together"]
    assert understand("How often must a child in care be visited?", COUNCILS).detected.get("normative")


# --------------------------------------------------------------------------- a conversation's scope

CONVERSATION = [  # (question, the councils it should be about) in one conversation, in order
    ("What did inspectors say about supervision in Stoke?", ["Stoke-on-Trent"]),
    ("And what about care leavers there?", ["Stoke-on-Trent"]),
    ("Are the letters sent to parents before proceedings clear?", ["Stoke-on-Trent"]),  # no scope named: kept
    ("What does Working Together say about strategy discussions?", []),  # a framework document
    ("How often must a child in care be visited?", []),  # a duty: the framework
    ("How is the front door in Kent?", ["Kent"]),
    ("How many councils are rated inadequate?", []),  # across councils
    ("And what about their care leavers?", []),  # follows a question across councils: nothing to keep
    ("Compare Leeds and Kent on caseloads", ["Leeds", "Kent"]),
    ("What must leaders do there?", ["Leeds", "Kent"]),  # a duty, but it points back
    ("What do inspectors expect when a council uses an unregistered home?", []),  # any council
]


def test_each_turn_keeps_only_the_scope_it_should():
    history: list[str] = []
    for question, councils in CONVERSATION:
        u = understand(question, COUNCILS, history=history)
        assert u.filters.local_authority == councils, question
        lent = u.detected.get("inherited", {})
        assert lent.get("local_authority", []) == ([] if COUNCILS.find(question) else councils), question
        history.append(question)


def test_a_question_with_its_own_topic_keeps_it():
    u = understand("What did they say about supervision there?", COUNCILS,
                   history=["What did inspectors say about care leavers in Kent?"])
    assert u.search_text == "supervision" and "topic" not in u.detected["inherited"]
    u = understand("And in 2022?", COUNCILS, history=["What did inspectors say about care leavers in Kent?"])
    assert u.detected["inherited"]["topic"] == ["care", "leavers"] and u.filters.year_from == 2022


def test_the_question_and_a_chosen_filter_disagree():
    u = understand("supervision in Leeds in 2019", COUNCILS, Filters(local_authority=["Kent"], year_from=2023))
    assert u.filters.local_authority == ["Kent"] and u.detected["overridden_local_authority"] == ["Leeds"]
    assert u.detected["overridden_years"] == [2019, 2019]


@pytest.mark.parametrize("question, document", [
    ("What does the National Framework 2023 say about practice supervisors?", "national framework"),
    ("Under the Children and Social Work Act 2017, what are the corporate parenting principles?", "social work act"),
    ("What does Working Together (2023) say about strategy discussions?", "working together"),
    ("What does KCSIE 2024 say about the DSL?", "keeping children safe"),
])
def test_a_year_in_a_documents_name_is_part_of_the_name(question, document):
    u = understand(question, COUNCILS)
    assert u.documents == [document]
    assert u.filters.year_from is None and u.filters.year_to is None


def test_a_year_beside_a_document_name_still_filters_the_reports():
    u = understand("How did Kent meet Working Together in 2022?", COUNCILS)
    assert (u.filters.year_from, u.filters.year_to) == (2022, 2022)


@pytest.mark.parametrize("question, council", [
    ("How is Leeds City Council doing on care leavers?", "Leeds"),
    ("Is Hull City good at adoption?", "Kingston upon Hull"),
    ("What did the report say about Leeds City's front door?", "Leeds"),
    ("Care leavers in the London Borough of Hackney", "Hackney"),
    ("St. Helens Council supervision", "St Helens"),
    ("The Royal Borough of Greenwich and its care leavers", "Greenwich"),
])
def test_council_names_in_their_official_forms(question, council):
    matcher = CouncilMatcher(["Leeds", "Kingston upon Hull", "Hackney", "City of London", "St Helens", "Greenwich"])
    u = understand(question, matcher)
    assert u.filters.local_authority == [council]
    # The title is part of the name, not the topic: "london borough" or "city" would be searched and, being
    # words the passages rarely use, would make a well-matched question look unmatched (a false refusal).
    assert not {"london", "borough", "city", "royal"} & {w for c in u.concepts for w in c[0].split()}, u.concepts


def test_a_councils_title_leaves_the_council_for_the_embedder():
    u = understand("How is the relationship between Slough council and its children's trust?", CouncilMatcher(["Slough"]))
    assert u.filters.local_authority == ["Slough"] and "between council and" in u.dense_text


@pytest.mark.parametrize("question, council", [
    ("Can CYP in care in Bucks get CAMHS quickly?", "Buckinghamshire"),
    ("What about care leavers in Herts?", "Hertfordshire"),
    ("Notts front door", "Nottinghamshire"),
])
def test_county_abbreviations_of_everyday_english(question, council):
    matcher = CouncilMatcher(["Buckinghamshire", "Hertfordshire", "Nottinghamshire", "Staffordshire"])
    assert understand(question, matcher).filters.local_authority == [council]
    # ... and a county abbreviation that is also an everyday word is a council only when capitalised.
    assert understand("the staffs were kind", matcher).filters.local_authority == []


@pytest.mark.parametrize("question, tone, topic", [
    ("Where is Kent struggling with care leavers?", "weakness", "care leavers"),
    ("What is going wrong at Kent's front door?", "weakness", "front door"),
    ("What's wrong with PLO in Kent?", "weakness", "plo"),
    ("is anything wrong with Leeds's care leavers", "weakness", "care leavers"),
    ("Is Leeds falling behind on care leavers?", "weakness", "care leavers"),
    ("What works well in Leeds for children in care?", "strength", "children in care"),
    ("What are the strengths of Kent's front door?", "strength", "front door"),
])
def test_evaluative_words_set_the_tone_not_the_topic(question, tone, topic):
    u = understand(question, COUNCILS)
    assert u.detected["tone"] == tone
    assert " ".join(c[0] for c in u.concepts) == topic


def test_a_question_that_is_only_evaluative_keeps_its_words():
    assert "tone" not in understand("What are the strengths?", COUNCILS).detected


def test_every_abbreviation_of_the_glossary_finds_its_expansion():
    from assistant.query import load_glossary

    checked = 0
    for group in load_glossary():
        long_forms = [t for t in group if " " in t]
        for term in group:
            if " " in term or not term.isalpha() or len(term) > 6 or not long_forms:
                continue
            u = understand(f"What do inspectors say about {term.upper()} in Kent?", COUNCILS)
            concept = next((c for c in u.concepts if c[0] == term), None)
            assert concept is not None and set(long_forms) <= set(concept), (term, u.concepts)
            checked += 1
    assert checked >= 60


@pytest.mark.parametrize("abbreviation, expansion", [
    ("CYP", "children and young people"), ("DSL", "designated safeguarding lead"),
    ("RCPC", "review child protection conference"), ("CPP", "child protection plan"), ("PA", "personal adviser"),
    ("NEET", "not in education, employment or training"), ("LSCP", "local safeguarding children partnership"),
    ("DCS", "director of children's services"), ("FGC", "family group conference"), ("PLO", "public law outline"),
    ("CAMHS", "child and adolescent mental health services"), ("MARAC", "multi-agency risk assessment conference"),
])
def test_practitioners_abbreviations(abbreviation, expansion):
    concepts = understand(f"How is {abbreviation} working in Kent?", COUNCILS).concepts
    assert any(expansion in c for c in concepts), concepts


@pytest.mark.parametrize("question, expansion", [
    ("How many different DCSs has Kent had lately?", "director of children's services"),
    ("Are RHIs being done properly in Kent?", "return home interview"),
    ("Do they use FGCs in Leeds?", "family group conference"),
])
def test_an_abbreviations_plural_finds_its_expansion(question, expansion):
    concepts = understand(question, COUNCILS).concepts
    assert any(expansion in c for c in concepts), concepts


def test_an_abbreviation_the_documents_define_is_not_read_into_an_everyday_word():
    assert not any("personal education plans" in c for c in understand("A pep talk for Kent?", COUNCILS).concepts)


def test_how_long_about_a_council_is_not_a_question_about_the_rules():
    u = understand("Why - how long were children waiting?", COUNCILS, history=["What was Kent's adoption grade?"])
    assert u.filters.local_authority == ["Kent"]


@pytest.mark.parametrize("question, remit", [
    ("What CQC rating did Kent get for its adult social care assessment?", "CQC ratings"),
    ("how was Leeds' adult social care rated", "adult social care assessments"),
    ("What did HM Inspectorate of Probation find in Leeds?", "HM Inspectorate of Probation's inspections"),
    ("Has Kent got a written statement of action after its SEND local area inspection?", "SEND local area inspections"),
    ("What Ofsted grade did Leeds High School get?", "schools' inspections"),
    ("Which independent fostering agencies in Kent are rated outstanding?", "ratings of independent fostering agencies"),
])
def test_judgements_of_other_inspections_are_outside_the_remit(question, remit):
    assert understand(question, COUNCILS).detected["outside_remit"] == remit


@pytest.mark.parametrize("question", [
    "How well are care leavers helped to move on to adult social care in Kent?",
    "Do children with SEND get good support in Leeds?",
    "How do Kent's social workers work with the CQC-registered health services?",
    "Does Leeds use independent fostering agencies for children in care?",
])
def test_the_same_words_in_questions_the_reports_answer_are_in_the_remit(question):
    assert "outside_remit" not in understand(question, COUNCILS).detected


def test_a_named_documents_words_are_not_searched():
    # "Working Together ... front door" must not search every passage where partners "work together".
    u = understand("What does Working Together say about the front door?", COUNCILS)
    assert u.documents == ["working together"]
    assert "working" not in u.search_text.split() and "together" not in u.search_text.split()
    assert "front" in u.search_text and "door" in u.search_text
    # A word of the name that is also the topic stays: "working with partners".
    kept = understand("What does Working Together say about working with partners?", COUNCILS)
    assert "working" in kept.search_text.split()


def test_the_topic_leaves_out_the_answers_form_and_the_council():
    from assistant.query import topic_concepts

    u = understand("What are common weaknesses in management oversight in Kent?", COUNCILS)
    assert [c[0] for c in topic_concepts(u)] == ["management oversight"]
    u = understand("How well does the front door work in Leeds?", COUNCILS)
    assert [c[0] for c in topic_concepts(u)] == ["front door"]


def test_there_after_a_question_across_councils_means_the_council_named_before():
    history = ["How well does the front door work in Leeds?", "How many councils are rated outstanding?"]
    u = understand("What did they say about care leavers there?", COUNCILS, history=history)
    assert u.filters.local_authority == ["Leeds"] and u.detected["inherited"]["local_authority"] == ["Leeds"]
    # Without a word pointing back, a new question after one across councils keeps no council.
    assert understand("What do inspectors say about care leavers?", COUNCILS, history=history).filters.local_authority == []


@pytest.mark.parametrize("question", [
    "Can a 23-year-old care leaver still ask for a personal adviser?",
    "What is a reasonable caseload for an IRO?",
    "What's the maximum timescale for a single assessment?",
    "Are care leavers entitled to a setting-up-home allowance?",
])
def test_questions_about_what_is_allowed_or_required_lean_on_the_framework(question):
    assert understand(question, COUNCILS).detected.get("normative")


@pytest.mark.parametrize("question, phrase, equivalent", [
    ("How often must a child in care's plan be reviewed?", "child in care", "looked after children"),
    ("Where do care leavers' homes fall short?", "care leavers", "care leaver"),
    ("How are UASC supported?", "uasc", "separated migrant children"),  # the 2026 reports' term
    ("Are family and friends carers approved quickly?", "family and friends carers", "kinship carers"),
    ("Are return home interviews done well?", "return home interviews", "return conversations"),
])
def test_a_glossary_phrase_is_found_in_its_possessive_and_newer_wordings(question, phrase, equivalent):
    concept = next(c for c in understand(question, COUNCILS).concepts if c[0] == phrase)
    assert equivalent in concept


@pytest.mark.parametrize("question", ["And are their PLO letters any good?", "Are all children seen quickly?",
                                      "Does every child have a plan?"])
def test_any_all_and_every_before_other_words_keep_the_council(question):
    u = understand(question, COUNCILS, history=["Are strategy meetings held on time in Kent?"])
    assert u.filters.local_authority == ["Kent"]


def test_across_councils_still_drops_it():
    u = understand("And in any other council?", COUNCILS, history=["Are strategy meetings held on time in Kent?"])
    assert u.filters.local_authority == []


@pytest.mark.parametrize("question", [
    "Can you show me examples of good practice with care leavers?",  # a polite request, not a rule
    "Which councils plan strategy meetings in advance?",
    "How well do councils support care leavers?",
])
def test_ordinary_questions_are_not_read_as_rule_questions(question):
    assert not understand(question, COUNCILS).detected.get("normative")


def test_the_latest_report_unless_the_question_compares_reports():
    assert understand("What does the most recent Ofsted inspection say about Kent's front door?", COUNCILS).detected.get("latest")
    assert not understand("How has Kent improved since its latest inspection?", COUNCILS).detected.get("latest")
    assert not understand("What did the last inspection find about Kent's front door?", COUNCILS).detected.get("latest")


def test_areas_of_practice_are_not_other_councils():
    u = understand("Is there any area where they struggle?", COUNCILS, history=["How is the front door in Kent?"])
    assert u.filters.local_authority == ["Kent"]


@pytest.mark.parametrize("question, spelled", [
    ("Are RHIs being done properly in Kent?", "return home interview"),
    ("How well does Kent support UASC?", "unaccompanied asylum-seeking children"),
    ("What does the LADO do in Leeds?", "local authority designated officer"),
])
def test_the_embedder_reads_an_abbreviation_written_out(question, spelled):
    # all-MiniLM knows the words, not the shorthand: "RHIs" was 0.32 from "Return home interviews are not ...".
    dense = understand(question, COUNCILS).dense_text.lower()
    assert spelled in dense and "kent" not in dense and "leeds" not in dense


def test_a_word_that_only_contains_an_abbreviation_is_not_written_out():
    assert understand("What is the laced policy in Kent?", COUNCILS).dense_text.startswith("What is the laced policy")


@pytest.mark.parametrize("question", [
    "Are RHIs being done properly in Kent?",
    "Is Kent's LADO doing a decent job with allegations?",
])
def test_words_asking_for_a_verdict_are_no_part_of_the_topic(question):
    # As concepts they halved the share of the question a well-matched passage covers, and refused it.
    words = {c[0] for c in understand(question, COUNCILS).concepts}
    assert not words & {"done", "doing", "properly", "decent", "job"}, words


@pytest.mark.parametrize("question, timing", [
    ("How often must a child in care's plan be reviewed by an IRO?", True),
    ("How quickly are contacts dealt with at Kent's front door?", True),
    ("When must the core group meet?", True),
    ("What did inspectors say about supervision in Kent?", False),
    ("When was Leeds last inspected?", False),
])
def test_questions_asking_for_a_time_limit_are_recognised(question, timing):
    assert bool(understand(question, COUNCILS).detected.get("timing")) is timing


def test_a_document_name_that_is_also_the_topic_stays_searched():
    # "How many quality standards ...": the guide to the regulations is where to look, and the standards are
    # what to look for (searched as "children's home meet" alone, the answer was not in the top 10).
    u = understand("How many quality standards must a children's home meet?", COUNCILS)
    assert u.documents == ["homes regulations"]
    assert {"quality", "standards"} <= set(u.search_text.split())
    assert "quality standards" in u.dense_text
