"""Quotes that are layout debris, not sentences (assistant/quality.py).

Every string here is a real quote the assistant gave, or a real sentence of an indexed document, from the survey
of the gold set's questions and about a hundred framework and findings questions against the full index (some
cut short at a word to stay readable). A junk quote shown as evidence is what a user notices; so is a good
sentence dropped for carrying numbers, a name or a list.
"""
from __future__ import annotations

import pytest

from assistant.quality import junk_reason

# Each with where it came from as its id.
JUNK = [
    pytest.param('contents page',
        'pre-proceedings 105 Flow chart 3: Immediate protection 106 Flow chart 4: Action taken for an assessment of '
        'a child under the Children Act 1989 107 Flow chart 5: Action following a strategy meeting 108',
        id='contents-page/working-together-2023-contents'),
    pytest.param('contents page',
        'Statutory guidance on the purpose, principles for practice and expected outcomes of children’s social care '
        'December 2023 Contents Introduction 3 About this guidance 3 The Children’s Social Care Dashboard 4 Support '
        'to embed the National Framework 4 Review date 5',
        id='contents-page/national-framework-p1'),
    pytest.param('contents page',
        'The experiences and progress of children who need help and protection 10 The experiences and progress of '
        'children looked after and achieving permanence 17 Leadership, management and governance 30 The Local '
        'Safeguarding Children Board (LSCB) 36 Executive summary 36',
        id='contents-page/ealing-sif-report-p4'),
    pytest.param('contents page',
        'Section 2: The effectiveness of the Local Safeguarding Children Board 33 What the inspection judgements '
        'mean: the LSCB 37 Section 1: The local authority - Summary of findings Children’s Services in Barnsley '
        'require improvement because:',
        id='contents-page/barnsley-sif-report'),
    pytest.param('grade table',
        'The impact of leaders on social work practice with children and families Inadequate The experiences and '
        'progress of children who need help and protection Requires improvement to be good The experiences and '
        'progress of children in care and care leavers Requires improvement to be good',
        id='grade-table/doncaster-report-p1'),
    pytest.param('grade table',
        'Inspection of Portsmouth City local authority children’s services Inspection dates: 6 to 10 July 2026 Lead '
        'inspector: Steve Bailey, His Majesty’s Inspector Judgement Grade The impact of leaders on social work '
        'practice with children and families Outstanding',
        id='grade-table/portsmouth-report-cover'),
    pytest.param('grade table',
        'All inspection judgements are made using the following four point scale: Outstanding (Grade 1) A service '
        'that significantly exceeds minimum requirements Good (Grade 2) A service that exceeds minimum requirements',
        id='grade-table/sandwell-2013-report-p4'),
    pytest.param('grade table',
        'Children looked after and achieving permanence Requires Improvement 2.1 Adoption performance Requires '
        'Improvement 2.2 Experiences and progress of care leavers Requires Improvement',
        id='grade-table/st-helens-sif-report-p1'),
    pytest.param('cover page',
        'Re-inspection of services for children in need of help and protection, children looked after and care '
        'leavers Inspection date: 6 November – 30 November 2017 Report published: 29 January 2018',
        id='cover-page/rotherham-2018-report-p1'),
    pytest.param('footnote text',
        'Safeguarding partners may choose to undertake a local child safeguarding practice review in these or other '
        'circumstances, in 194 Report a serious child safeguarding incident 195 This means any person or '
        'organisation with statutory or official duties or responsibilities relating to children',
        id='footnote-text/working-together-p134'),
    pytest.param('footnote text',
        'and the chief officer of police for an area any part of which falls within the local authority area) will '
        'make arrangements to work together with appropriate 31 When a school has a sole proprietor rather than a '
        'governing body, appropriate steps should be taken',
        id='footnote-text/kcsie-p31'),
    pytest.param('footnote text',
        '204 Safeguarding partners may also consider appointing reviewers from the panels pool of reviewers, where '
        'available 205 The Munro review of child protection final report: a child-centred system (2011)',
        id='footnote-text/working-together-p139'),
    pytest.param('footnote markers',
        'Local authorities and safeguarding partners should refer to the panel’s guidance192 for further clarity on '
        'issues relating to the criteria for serious child safeguarding cases.',
        id='footnote-markers/working-together-p132'),
    pytest.param('footnote markers',
        'Parent carers have the right to request an assessment under section 17ZD of the Children Act 198993, '
        'including where a child is not otherwise known to children’s social care.',
        id='footnote-markers/working-together-p66'),
    pytest.param('footnote markers',
        'This goes beyond the legal minimum.30 It is good practice to give the school or college additional options '
        'to make contact with a responsible adult when a child missing education is also identified as a welfare '
        'and/or safeguarding concern.',
        id='footnote-markers/kcsie-p30'),
    pytest.param('footnote markers',
        'Child death review partners should model their child death review structures and processes as laid out in '
        'the ‘Child Death Review Statutory and Operational Guidance (2018)’220.',
        id='footnote-markers/working-together-p147'),
    pytest.param('footnote markers',
        'Before an individual becomes either the proprietor of an independent school or the chair of a body of '
        'people which is the proprietor of an independent school, the Secretary of State will:110 111',
        id='footnote-markers/kcsie-p85'),
    pytest.param('footnote markers',
        'The appropriateness of any filtering and monitoring systems are a matter for individual schools and '
        'colleges and will be informed in part, by the risk assessment required by the Prevent Duty.41',
        id='footnote-markers/kcsie-p40'),
    pytest.param('footnote markers',
        'Children and young people from minority ethnic groups account for 16%6 of all children living in the area, '
        'compared with 22% in the country as a whole.7',
        id='footnote-markers/brighton-and-hove-sif-report-p3'),
    pytest.param('glued heading',
        'Outcome 4: children in care and care leavers have stable, loving homes Purpose and Principles of '
        'Children’s Social Care This chapter describes the purpose and principles of children’s social care and '
        'sets the context for how each of the outcomes in the National Framework should be achieved.',
        id='glued-heading/national-framework-p13'),
    pytest.param('glued heading',
        'The experiences and progress of children looked after and achieving permanence Requires improvement '
        'Summary In Stoke-on-Trent children are not looked after unnecessarily and concerted efforts are made to '
        'ensure that children remain with their families.',
        id='glued-heading/stoke-on-trent-2015-report-p20'),
    pytest.param('glued heading',
        'IRO responsibilities in the care planning and review process 3.1 This chapter considers the specific '
        'responsibilities of the IRO in relation to chairing the child’s review meeting and monitoring the child’s '
        'case on an ongoing basis.',
        id='glued-heading/iro-handbook-p14'),
    pytest.param('glued heading',
        'child protection conference, recording the decisions made They convene a child protection conference '
        'within 15 working days of the strategy discussion, recording the decisions made The conference '
        'participants decide that the child is suffering or is likely to suffer significant harm',
        id='glued-heading/working-together-flow-chart-p104'),
    pytest.param('glued heading',
        'A suspension notice sets out: the reasons for suspension the period of the suspension our legal powers the '
        'provider’s right to appeal The notice will include as much information as possible about why we believe '
        'the continued operation exposes children to a risk of harm.',
        id='glued-heading/enforcement-policy-p25'),
    pytest.param('glued heading',
        'The common law duty of confidence and the Human Rights Act 1998 prevent the sharing of personal '
        'information No, this is not the case.',
        id='glued-heading/working-together-myth-busting-table-p22'),
    pytest.param('glued heading',
        'by the authority of the same, as follows:— PART 1 CHILDREN CHAPTER 1 LOOKED AFTER CHILDREN Corporate '
        'parenting principles for English local authorities',
        id='glued-heading/children-and-social-work-act-2017-p1'),
    pytest.param('glued heading',
        'lead the criminal investigation where joint enquiries take place with the local authority children’s '
        'social care leading for the section 47 enquires and assessment of the child’s welfare Initiating section '
        '47 enquiries A section 47 enquiry is carried out by undertaking or continuing with an',
        id='glued-heading/working-together-p88'),
    pytest.param('glued heading',
        'Child criminal exploitation (CCE) and child sexual exploitation (CSE) We know that different forms of harm '
        'often overlap, and that perpetrators may subject children and young people to multiple forms of abuse',
        id='glued-heading/kcsie-p149'),
    pytest.param('glued heading',
        'Caseloads are by design very low, averaging eight families per social worker This creates an environment '
        'in which good social work can flourish.',
        id='glued-heading/kensington-and-chelsea-report-p12'),
    pytest.param('running header',
        'Changes to legislation: There are currently no known outstanding effects for the Children and Social Work '
        'Act 2017.',
        id='running-header/children-and-social-work-act-every-page'),
    pytest.param('running header',
        '(See end of Document for details) (a) in relation to an Academy school or an alternative provision '
        'Academy, means a registered pupil at the Academy;',
        id='running-header/children-and-social-work-act-p9'),
    pytest.param('running header',
        '2(s) 19 For the heading of article 13A substitute “ Visiting health professionals from relevant European '
        'States ”.',
        id='running-header/children-and-social-work-act-p66'),
    pytest.param('running header',
        'Inspection of Stoke-on-Trent local authority children’s services 12 to 23 May 2025 5 up. The elective home '
        'education (EHE) lead is very aware of risk factors for EHE children',
        id='running-header/stoke-on-trent-2025-report-p5-as-extracted-header-not-stripped'),
    pytest.param('running header',
        'Inspection of looked after children services Norfolk County Council © Crown copyright 2013',
        id='running-header/norfolk-2013-report-p1'),
    pytest.param('url only',
        '(https://www.gov.uk/government/organisations/ofsted/about).',
        id='url-only/enforcement-policy-p4'),
    pytest.param('url only',
        'email – unwantedprisonercontact@justice.gov.uk',
        id='url-only/working-together-p119'),
    pytest.param('broken sentence',
        'Consideration could also be given to providing the DSL with access to external advice from an appropriate '
        'company or legal service. relevant agencies to safeguard and promote the welfare of local children, '
        'including identifying and responding to their needs.',
        id='broken-sentence/kcsie-p31'),
    pytest.param('broken sentence',
        'and (b) that each child has access to a range of activities that enable the child to pursue the child’s '
        'interests and hobbies. home’s ability to give permission for school trips, sleep-overs or the child’s '
        'involvement in sporting, leisure and cultural activities.',
        id='broken-sentence/children-s-homes-guide-p30'),
]

# Sentences that must be shown: numbers, dates, references, lists, names with digits or capitals, statute text,
# a single judgement line or cover field (the citation of a grade or fact answer).
GOOD = [
    pytest.param(
        'Inspectors reviewed 11 cases where children were living in households where there are concerns about '
        'parental mental health, domestic abuse and substance abuse.',
        id='a-count-of-cases'),
    pytest.param(
        'Between February and April 2016, the local authority audited 226 children’s files, 10% of those cases open '
        'at the time.',
        id='counts-and-a-percentage'),
    pytest.param(
        'In 2014, 82% of PEPs were completed; this is well below the local authority’s 96% target.',
        id='a-year-percentages-and-a-semicolon'),
    pytest.param(
        'In 2015, 185 (74.3%) of 16 to 21 year old care leavers were in education, employment or training.',
        id='numbers-in-brackets'),
    pytest.param(
        'The CART received a total of 1,387 contacts between 1 July and 30 September 2014, 27% of which were from '
        'the police.',
        id='dates'),
    pytest.param(
        'Those that register between 1 October and 31 March in any given year will receive their first inspection '
        'between 1 April and 30 September of the following inspection year.',
        id='dates-followed-by-capitals'),
    pytest.param(
        '•• offering a safeguard to prevent any ‘drift’ in care planning for looked after children and the delivery '
        'of services to them (see paragraphs 3.39 and 7.23);',
        id='paragraph-numbers'),
    pytest.param(
        'See paragraph 7.3 for more details.',
        id='a-paragraph-reference'),
    pytest.param(
        'Excessive caseloads of more than 100 mean IROs cannot fulfil all of their statutory duties and are not '
        'able to track progress on children’s plans between reviews.',
        id='a-number'),
    pytest.param(
        'The 3 safeguarding partners should agree on ways to co-ordinate their safeguarding services; act as a '
        'strategic leadership group in supporting and engaging others; and implement local and national learning, '
        'including from serious child safeguarding incidents.',
        id='a-list-separated-by-semicolons'),
    pytest.param(
        '•• the first review of a child’s case within 20 working days of the date on which the child becomes looked '
        'after; •• the second review no more than three months after the first; •• the third and subsequent reviews '
        'no more than six months after the previous one;',
        id='a-bulleted-list-with-semicolons'),
    pytest.param(
        '(a) wholly or partly; (b) generally or only in specified circumstances; (c) unconditionally or subject to '
        'specified conditions.',
        id='statute-clauses'),
    pytest.param(
        'The initial child protection conference should take place within 15 working days of a strategy discussion, '
        'or the strategy discussion at which section 47 enquiries were initiated if more than one has been held',
        id='a-framework-rule-with-a-number'),
    pytest.param(
        'Local authorities, with the help of other organisations as appropriate, have a duty to make enquiries '
        'under section 47 of the Children Act 1989 if they have reasonable cause to suspect that a child is '
        'suffering, or is likely to suffer, significant harm.',
        id='section-and-act-year'),
    pytest.param(
        'When children and young people become accommodated under s20 Children Act 1989, the initial '
        'decision-making is appropriate.',
        id='s20-before-a-capital'),
    pytest.param(
        'Homeless 16- and 17-year-olds are informed of their rights to choose to access accommodation under s20 or '
        's17.',
        id='hyphenated-ages'),
    pytest.param(
        'When children are at risk from child exploitation or go missing, the Power2 team provides an impressive '
        'array of support and specialist multi-agency interventions with children that reduce the risks of '
        'exploitation effectively.',
        id='a-programme-name-with-a-digit'),
    pytest.param(
        'MASH24 has effective systems for accepting and processing information to ensure accurate identification of '
        'risks to children and adults.',
        id='a-team-name-with-digits'),
    pytest.param(
        'In 2013 Knowsley received the ‘Catch22 From Care2Work Quality Mark’ in recognition of its commitment to '
        'support care leavers in their journey to employment.',
        id='award-names-with-digits'),
    pytest.param(
        'Senior leaders have made rapid and sustainable progress, despite the impact of the COVID-19 pandemic.',
        id='covid-19'),
    pytest.param(
        'anything else, the penetration is sexual, B does not consent to the penetration and A does not reasonably '
        'believe that B consents.',
        id='statute-letters-a-and-b'),
    pytest.param(
        'The proportion of looked after children achieving one qualification or five GCSEs graded A to G in 2013 '
        'was higher than for looked after children nationally.',
        id='grades-a-to-g'),
    pytest.param(
        'There are also some notable successes for some young people in gaining A levels and going on to '
        'university.',
        id='a-levels'),
    pytest.param(
        'The inspection team consisted of 10 of Her Majesty’s Inspectors from Ofsted.',
        id='a-title-with-inspectors'),
    pytest.param(
        'The Care and After team is responsible for some 350 care leavers, the others remaining in Vista (the '
        'social work practice) and other teams.',
        id='a-team-name-with-after'),
    pytest.param(
        'The Missing You team offers all children and young people return interviews following missing episodes.',
        id='a-team-name-with-you'),
    pytest.param(
        'Senior leaders have strengthened the support for Our voice our service (OVOS), the group that has '
        'represented children in care and care leavers since the last inspection.',
        id='a-group-name-with-our'),
    pytest.param(
        'The Young Inspectors programme provides opportunities for children and young people with a disability to '
        'influence the services that they use.',
        id='a-programme-name-with-inspectors'),
    pytest.param(
        'As a member of the Achieving Outstanding Board, which replaced the former Improvement Board, the '
        'independent chair has used case audit evidence to challenge some deficits in frontline social work '
        'practice.',
        id='a-board-named-outstanding'),
    pytest.param(
        'The experiences and progress of care leavers Inadequate',
        id='one-judgement-line-cited-for-a-grade-question'),
    pytest.param(
        'The experiences and progress of children in care and care leavers Requires improvement to be good',
        id='one-judgement-line'),
    pytest.param(
        'Lead inspector: Neil Penswick',
        id='one-cover-field-cited-for-a-fact-question'),
    pytest.param(
        'Inspection dates: 30 September to 11 October 2024',
        id='one-cover-field'),
    pytest.param(
        'Children’s services in Birmingham are inadequate',
        id='a-grade-in-a-sentence'),
    pytest.param(
        'When we judge a home good or outstanding at its full inspection, we do not usually carry out another '
        'inspection in that same inspection period.',
        id='grades-in-lower-case'),
    pytest.param(
        'Outcome 1: children, young people and families stay together and get the help they need',
        id='a-heading-that-says-something'),
    pytest.param(
        '239 In relation to private fostering, “relative” has the meaning given in section 105 of the Children Act '
        '1989.',
        id='a-standalone-footnote'),
    pytest.param(
        '4.15 A ‘secure accommodation panel’ review is not the same as a review of the child’s overall care plan '
        'and is restricted to the specific question about the necessity of a placement in secure accommodation for '
        'an individual child.',
        id='a-numbered-paragraph'),
    pytest.param(
        'We may suspend using emergency procedures under section 20B of the Care Standards Act 2000 '
        '(https://www.legislation.gov.uk/ukpga/2000/14/section/20).',
        id='a-sentence-with-a-link'),
    pytest.param(
        'Rapid reviews should be submitted to the panel secretariat, at '
        'Mailbox.NationalReviewPanel@education.gov.uk.',
        id='a-sentence-with-an-email-address'),
    pytest.param(
        '(3) The local authority must provide the former relevant child with a personal adviser until the former '
        'relevant child— (a) reaches the age of 25, or (b) if earlier, informs the local authority that he or she '
        'no longer wants a personal adviser.',
        id='statute-text'),
    pytest.param(
        'The IRO should have at least five years post qualifying experience [regulation 46].',
        id='a-regulation-reference'),
    pytest.param(
        'This includes, for example, changes to the physical environment of the home (such as using high door '
        'handles) and removal of physical aids (such as turning off a child’s electric wheelchair).',
        id='brackets'),
    pytest.param(
        'Children and young people from minority ethnic groups account for 29% of all children living in the area, '
        'compared with 22% in the country as a whole.',
        id='percentages'),
]


@pytest.mark.parametrize("reason, quote", JUNK)
def test_debris_is_flagged_with_its_reason(reason, quote):
    assert junk_reason(quote) == reason


@pytest.mark.parametrize("quote", GOOD)
def test_real_sentences_are_not_flagged(quote):
    assert junk_reason(quote) is None


def test_the_verdict_does_not_depend_on_line_breaks():
    # Page text keeps the PDF's line breaks; a quote read from it must get the same verdict.
    reason, quote = JUNK[0].values
    assert junk_reason(quote.replace(" ", "\n", 3)) == reason
    assert junk_reason(GOOD[0].values[0].replace(" ", "\n  ", 3)) is None


def test_empty_text_is_not_a_sentence():
    assert junk_reason("") == "empty"
    assert junk_reason("   ") == "empty"
