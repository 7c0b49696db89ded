"""Direct quotes in British news house style: quotation marks reopened at each paragraph, speakers after
the quote, "he added", names inside a quotation, single quotes."""

import pytest

from kg.model import Article
from kg.nlp.graph import doc_to_graph
from kg.nlp.quote_marks import quotations


def graph(nlp, text):
    return doc_to_graph(nlp(text), Article(id="t", text=text))


def direct(g):
    """Direct quotes: text -> speaker id."""
    return {q.text: q.speaker for q in g.quotes if q.kind == "direct"}


def quote_with(g, words):
    (q,) = [q for q in g.quotes if words in q.text]
    return q


REOPENED = (
    'Chancellor Gordon Brown said: "We will keep the economy stable and we will not take risks with it.\n\n'
    '"Families deserve to know that their jobs are safe."\n\n'
    'In a separate speech, Tory leader Michael Howard said: "This government has lost its way on tax."'
)

# the same paragraphs run together on one line, as the BBC's text files have them
MERGED = (
    'Chancellor Gordon Brown said: "We will keep the economy stable and we will not take risks with it. '
    '"Families deserve to know that their jobs are safe." In a separate speech, Tory leader Michael Howard '
    'said: "This government has lost its way on tax."'
)


@pytest.mark.parametrize("text", [REOPENED, MERGED], ids=["paragraphs", "one-line"])
def test_a_quotation_reopened_at_a_new_paragraph_continues_with_its_speaker(nlp, text):
    g = graph(nlp, text)
    assert quote_with(g, "Families deserve").speaker == "person/gordon-brown"
    assert quote_with(g, "keep the economy stable").speaker == "person/gordon-brown"
    assert quote_with(g, "lost its way").speaker == "person/michael-howard"


@pytest.mark.parametrize("text", [REOPENED, MERGED], ids=["paragraphs", "one-line"])
def test_the_narrative_between_two_quotations_is_never_a_quote(nlp, text):
    g = graph(nlp, text)
    assert not [q for q in g.quotes if "separate speech" in q.text]
    assert all('"' not in q.text for q in g.quotes if q.kind == "direct")


def test_a_mark_left_open_before_the_next_speaker_ends_the_quote_at_its_sentence():
    text = (
        'Mr Lewis said: "Standards in our schools have never been higher. Shadow education secretary '
        'Tim Collins said: "This is the third report in two days to criticise the government."'
    )
    spans = [text[q.start : q.end] for q in quotations(text)]
    assert spans == [
        "Standards in our schools have never been higher.",
        "This is the third report in two days to criticise the government.",
    ]


def test_an_unclosed_quoted_phrase_swallows_no_narrative():
    text = 'She called the plan "a disgrace and left the meeting before the vote.\n\nMPs then went home.'
    assert quotations(text) == []


def test_the_speaker_after_the_quote(nlp):
    g = graph(
        nlp,
        '"The figures speak for themselves and waiting lists are falling," said Health Secretary John Reid. '
        '"We have made real progress in the last year," Mr Reid told reporters.',
    )
    assert quote_with(g, "figures speak").speaker == "person/john-reid"
    assert quote_with(g, "real progress").speaker == "person/john-reid"


def test_he_added_continues_the_last_speaker_not_a_name_inside_the_quotation(nlp):
    g = graph(
        nlp,
        'BBC political editor Andrew Marr said: "This is enormously damaging for the party. Gordon Brown '
        "knows it as well as Tony Blair does. I think the relationship is very poor indeed. Things are very "
        'difficult." He added: "Lots of ministers believe the chancellor will be moved after the election."',
    )
    assert quote_with(g, "Lots of ministers").speaker == "person/andrew-marr"
    assert "person/gordon-brown" not in {q.speaker for q in g.quotes}


def test_he_said_is_not_the_person_named_inside_the_quotation(nlp):
    g = graph(
        nlp,
        "Former WorldCom chief executive Bernard Ebbers denied the allegations in court on Tuesday. "
        "The trial is expected to last two months. Shareholders lost billions when the firm collapsed. "
        "Thousands of workers lost their jobs. "
        '"I was never advised by Scott Sullivan of anything being wrong with the accounts," he told the court. '
        '"If he had told me, we would not be here today."',
    )
    speakers = {q.speaker for q in g.quotes if q.kind == "direct"}
    assert speakers == {"person/bernard-ebbers"}


def test_an_unnamed_spokesman_is_unattributed_not_the_last_speaker(nlp):
    g = graph(
        nlp,
        'Lib Dem spokesman Mark Oaten said: "This bill is deeply flawed and will not work." '
        '"It will take a decade to come into full effect," a spokesman said. '
        '"It will do nothing to solve the problems of rising crime."',
    )
    assert quote_with(g, "deeply flawed").speaker == "person/mark-oaten"
    assert quote_with(g, "take a decade").speaker is None
    assert quote_with(g, "do nothing to solve").speaker is None


def test_a_quote_within_a_quote_stays_part_of_it(nlp):
    text = (
        "Mr Howard said: \"Gordon Brown told him: 'There is nothing you can say to me now that I could ever "
        "believe.' That is the truth about this government.\""
    )
    g = graph(nlp, text)
    quotes = [q for q in g.quotes if q.kind == "direct"]
    assert len(quotes) == 1
    assert quotes[0].text.startswith("Gordon Brown told him") and quotes[0].text.endswith("this government.")


def test_a_single_quoted_headline_is_a_quotation_and_apostrophes_are_not():
    text = "Blair 'will not quit before election'\n\nVoters' trust in Mr Blair's government fell, MPs' letters say."
    (q,) = quotations(text)
    assert text[q.start : q.end] == "will not quit before election"
    assert q.single


def test_a_phrase_quoted_under_a_naming_verb_is_its_subjects(nlp):
    g = graph(nlp, 'Tory leader Michael Howard has dismissed Gordon Brown\'s Budget as "vote now, pay later".')
    assert quote_with(g, "vote now").speaker == "person/michael-howard"


def test_he_after_an_unnamed_spokesman_is_whom_the_spokesman_speaks_for(nlp):
    g = graph(
        nlp,
        "Chancellor Gordon Brown has set out plans for the civil service. On Monday, Tony Blair's official "
        'spokesman declined to say whether the prime minister backed the plans. He said: "What is important '
        'is that there is a process going on and it is out for consultation."',
    )
    assert quote_with(g, "process going on").speaker == "person/tony-blair"


def test_the_subject_of_the_clause_a_colon_ends_is_the_speaker(nlp):
    g = graph(
        nlp,
        "Lib Dem leader Charles Kennedy is in buoyant mood.\n\nBut does that not lead to the jibe "
        "that his is a party bidding to come second? He is prepared to go this far: "
        '"A clear conclusion has been reached that the Conservatives are not going to win this election."',
    )
    assert quote_with(g, "clear conclusion").speaker == "person/charles-kennedy"


def test_a_question_put_to_someone_is_not_their_words(nlp):
    g = graph(
        nlp,
        "Former cabinet secretary Lord Butler criticised the government. When asked whether he thought the "
        'country was well governed, he replied: "We suffer badly from Parliament not having control."',
    )
    assert not [q for q in g.quotes if "well governed" in q.text]


def test_double_marks_inside_a_quotation_are_a_quote_within_it():
    text = 'Mr Davis said: "Police forces are already "buried" under initiatives and need help," he said.'
    (q,) = quotations(text)
    assert text[q.start : q.end] == 'Police forces are already "buried" under initiatives and need help,'


def test_the_clause_after_a_quote_ending_in_a_comma_attributes_it_whatever_its_verb(nlp):
    g = graph(
        nlp,
        'Judge Kelvin MacKenzie mocked the plan. "That was a total disaster and I could not think of '
        'anything to say," a crestfallen Barry Lim confided to the presenter.',
    )
    assert quote_with(g, "total disaster").speaker == "person/barry-lim"


def test_a_role_noun_is_the_person_the_article_titles_so_not_the_organisation(nlp):
    g = graph(
        nlp,
        "Faith schools were criticised by Ofsted chief, David Bell, in a speech on Monday. "
        '"Too many pupils leave school knowing little of other faiths," said Mr Bell. '
        "The Ofsted chief said his annual report would make particular reference to faith schools. "
        '"Many must change their curriculum to teach respect for other cultures and traditions."',
    )
    assert quote_with(g, "particular reference").speaker == "person/david-bell"
    assert quote_with(g, "Many must change").speaker == "person/david-bell"
    assert not [q for q in g.quotes if q.speaker and q.speaker.startswith("organization/")]


def test_a_former_post_does_not_speak_for_its_organisation(nlp):
    g = graph(
        nlp,
        "The former UN commissioner for human rights told the programme the government's response "
        "would be scrutinised internationally.",
    )
    assert not [q for q in g.quotes if q.speaker and "united-nations" in q.speaker]


def test_it_said_is_the_organisation_the_paragraph_is_about(nlp):
    g = graph(
        nlp,
        "Supermarket group Tesco has raised its profit forecast in the UK after strong sales over Christmas. "
        '"Our customers in Britain responded well to lower prices in every part of the country," it said.',
    )
    (q,) = [q for q in g.quotes if "responded well" in q.text]
    assert q.speaker is not None and q.speaker.startswith("organization/tesco")


def test_it_said_after_a_thing_names_no_speaker(nlp):
    g = graph(
        nlp,
        "Health Secretary John Reid welcomed a new report on Monday.\n\n"
        "The report found that waiting lists had fallen in every region. "
        '"Waiting times are shorter than at any time since records began in the health service," it said.',
    )
    assert quote_with(g, "Waiting times").speaker is None


def test_a_speech_verb_hung_on_the_reported_clause_goes_on_from_the_outer_one(nlp):
    g = graph(
        nlp,
        "Damian Hockney said Peter Hulme-Cross and himself had no intention of resigning and added that "
        "they felt it was UKIP who were not being true to the electorate.",
    )
    assert "person/peter-hulme-cross" not in {q.speaker for q in g.quotes}
    assert {q.speaker for q in g.quotes if q.text.startswith("they felt")} == {"person/damian-hockney"}


def test_a_phrase_quoted_in_a_clause_someone_else_reports_is_not_its_subjects(nlp):
    g = graph(
        nlp,
        'Liberal Democrat leader Charles Kennedy said: "We need a proper exit strategy for our troops." '
        "Mr Kennedy pointed out that the Netherlands and Portugal have announced their withdrawal "
        '"regardless of the situation on the ground".',
    )
    assert quote_with(g, "regardless of the situation").speaker == "person/charles-kennedy"


def test_what_someone_says_another_has_shown_is_not_the_others_words(nlp):
    g = graph(
        nlp,
        "Labour activists cheered the prime minister in Gateshead on Friday. Katrina Bull, a prospective "
        "parliamentary candidate said Tony Blair had shown he could rouse the party's grassroots.",
    )
    assert "person/tony-blair" not in {q.speaker for q in g.quotes}


def test_a_headline_of_a_name_and_a_colon_is_that_speakers_claim(nlp):
    text = (
        "Pence: Flowers will not be at the debate\n\nRepublican vice-presidential nominee Mike Pence said on "
        "Sunday that Donald Trump had only been mocking the Clinton campaign."
    )
    q = quote_with(graph(nlp, text), "will not be at the debate")
    assert (q.speaker, q.kind) == ("person/mike-pence", "reported")


def test_a_transcript_turn_kg_cannot_name_is_kept_without_a_speaker(nlp):
    g = graph(
        nlp,
        "Vice-presidential nominee Mike Pence spoke to Fox News on Sunday.\n\n"
        "WALLACE: Will Gennifer Flowers be there at the debate tomorrow night?\n\n"
        "PENCE: Gennifer Flowers will not be attending the debate tomorrow night.",
    )
    assert quote_with(g, "Will Gennifer Flowers be there").speaker is None
    assert quote_with(g, "will not be attending").speaker == "person/mike-pence"


def test_a_capitalised_label_outside_a_transcript_is_no_turn(nlp):
    g = graph(nlp, "UPDATE: The vote in the Commons was delayed until Monday evening by Tony Blair.")
    assert not [q for q in g.quotes if q.cue == ":"]


def test_a_semicolon_ends_what_was_said(nlp):
    g = graph(
        nlp,
        "Republicans in Congress said the timing of the announcement in Washington was not intentional; "
        "they only learned of it on Friday.",
    )
    assert quote_with(g, "timing of the announcement").text.endswith("not intentional")


def test_according_to_in_the_middle_attributes_the_clause_before_it(nlp):
    g = graph(
        nlp,
        "Britain's richest people would see their incomes go up by as much as 19.9 percent, according to the "
        "Institute for Fiscal Studies, more than twice what it projected for the middle class.",
    )
    q = quote_with(g, "incomes go up")
    assert q.speaker == "organization/institute-for-fiscal-studies" and q.text.endswith("19.9 percent")


def test_pointed_out_reports_speech(nlp):
    g = graph(nlp, "Liberal Democrat leader Charles Kennedy pointed out that Labour had broken its promise on fees.")
    assert quote_with(g, "broken its promise").speaker == "person/charles-kennedy"


def test_the_spokesman_is_the_last_unnamed_spokesman_not_an_earlier_spokeswomans_party(nlp):
    g = graph(
        nlp,
        "A Conservative spokeswoman said the party stuck to the rules on telephone calls in Britain. "
        "A spokesman for the Information Commissioner said the rules in Britain were unclear. "
        "The spokesman said it might be considered marketing if a party in Britain kept the data.",
    )
    assert quote_with(g, "the party stuck").speaker == "organization/conservative-party"
    assert not [q for q in g.quotes if "considered marketing" in q.text and q.speaker]


def test_the_bank_said_is_an_organisation_named_before_not_a_people(nlp):
    g = graph(
        nlp,
        "The Bank of Mexico published its annual report on remittances in Mexico City. About 10 million "
        "Mexicans live in the US. Last year there were 50.9 million transfers to Mexico, the bank said.",
    )
    assert quote_with(g, "50.9 million transfers").speaker == "organization/bank-of-mexico"


def test_analysts_are_not_the_one_analyst_the_article_names(nlp):
    g = graph(
        nlp,
        "Analysts at HSBC in London said that consolidation in the banking sector in Japan was likely to "
        "continue. Heronry Nozaki, an analyst at Nomura in Tokyo, said shares would rise.",
    )
    assert not [q for q in g.quotes if "consolidation" in q.text and q.speaker]


def test_an_indefinite_spokesman_speaks_for_the_organisation_that_spoke_just_before(nlp):
    g = graph(
        nlp,
        'Steel maker Corus reported higher profits. A spokesman told the BBC: "We will keep the plants open."',
    )
    assert quote_with(g, "plants open").speaker == "organization/corus"


def test_an_indefinite_spokesman_after_a_person_is_left_unattributed(nlp):
    g = graph(
        nlp,
        "Steel maker Corus reported higher profits. Mr Smith, its chairman, was pleased. "
        'A spokesman told the BBC: "We will keep the plants open."',
    )
    assert all(q.speaker is None for q in g.quotes if "plants open" in q.text)


def test_a_name_before_a_bare_post_the_parser_took_for_the_subject_is_the_speaker(nlp):
    g = graph(
        nlp,
        "After the ruling Maria Lenton, legal director of the charity Justice Watch, said: "
        '"It is not enough for ministers to act in private."',
    )
    assert quote_with(g, "act in private").speaker == "person/maria-lenton"


def test_someones_backers_do_not_speak_as_them(nlp):
    g = graph(nlp, "Mr Harlow's financial backers, including a US bank, have said they will not fund a bid.")
    assert not [q for q in g.quotes if q.speaker == "person/harlow"]
    g = graph(nlp, "Tony Blair's official spokesman said the talks had gone well.")
    assert quote_with(g, "talks had gone well").speaker == "person/tony-blair"


def test_a_friend_named_in_apposition_is_the_speaker(nlp):
    g = graph(
        nlp,
        "Mr Lane blamed the leadership. His friend, Ann Ridley, leader of the county group, said: "
        '"We lost good people over the war."',
    )
    assert quote_with(g, "good people").speaker == "person/ann-ridley"
