"""Live text as speech, one stream at a time (hud.speech.stream): words, what matters enough to
correct, merging, revisions, corrections, skips, rollbacks and speaker turns.

A stream is driven here directly: `update` with the text as it is now, `take` for what the voice
says next (with `skip_after` only when the voice is already at its fastest).
"""

from __future__ import annotations

import pytest

from hud.speech.stream import Stream, matters, tokens_of
from hud.widgets.caption import MAX_BUFFER, Caption

SKIP_AFTER_S = 6.0


def words(text: str) -> list[str]:
    return [token.word for token in tokens_of(text, 0.0)]


def stream(language: str = "en") -> Stream:
    return Stream("live", language)


def say(live: Stream, last_speaker: str = "") -> str:
    """What the voice says next (everything waiting), marked said."""
    return live.take(last_speaker, 0.0).text


# -- words -------------------------------------------------------------------------------------
def test_tokens_are_words_numbers_and_single_ideographs():
    assert words("Don't worry: it's 2.5 km, 12,000 people, at 12:30!") == [
        "Don't",
        "worry",
        "it's",
        "2.5",
        "km",
        "12,000",
        "people",
        "at",
        "12:30",
    ]
    assert words("去西湖。") == ["去", "西", "湖"]
    assert words("カタカナ and 한국어") == ["カ", "タ", "カ", "ナ", "and", "한국어"]
    assert words(" — … ¡¿ ") == []


def test_tokens_know_where_they_are_and_when_they_arrived():
    found = tokens_of("Go left, then 右转", 2.5)
    assert [(token.start, token.end) for token in found] == [(0, 2), (3, 7), (9, 13), (14, 15), (15, 16)]
    assert {token.arrived for token in found} == {2.5}
    assert not any(token.said for token in found)


def test_a_capitalised_word_inside_a_sentence_is_a_name():
    names = {token.word: token.name for token in tokens_of('Then we met Anna. Later "Bob" said Hi to Main Street', 0)}
    assert names == {
        "Then": False,
        "we": False,
        "met": False,
        "Anna": True,
        "Later": False,
        "Bob": False,
        "said": False,
        "Hi": True,
        "to": False,
        "Main": True,
        "Street": True,
    }


@pytest.mark.parametrize(
    "text",
    [
        "7",
        "twenty",
        "second",
        "left",
        "north",
        "entrance",
        "not",
        "never",
        "isn't",
        "shan't",
        "two hundred",
        "左",
        "二",
        "百",
        "不",
        "没",
    ],
)
def test_numbers_directions_and_negations_matter(text):
    assert matters(tokens_of(text, 0))


def test_names_matter_and_plain_words_do_not():
    assert matters(tokens_of("go to Wensan", 0)[2:])
    assert not matters(tokens_of("Go walk the bank shop", 0))
    assert not matters(tokens_of("走路银行", 0))
    assert not matters([])


# -- merging -----------------------------------------------------------------------------------
def test_words_waiting_join_into_one_utterance_in_their_latest_form():
    live = stream()
    assert live.update("Go straight", 0.0, "", "en") == []
    assert live.waiting
    live.update("Go straight ahead, then turn", 0.5, "", "en")
    live.update("Go straight ahead, then turn left.", 1.0, "", "en")
    formed = live.take("", 0.0)
    assert formed.text == "Go straight ahead, then turn left."
    assert [(word.word, word.arrived) for word in formed.words] == [
        ("Go", 0.0),
        ("straight", 0.0),
        ("ahead", 0.5),
        ("then", 0.5),
        ("turn", 0.5),
        ("left", 1.0),
    ]
    offsets = [word.at for word in formed.words]
    assert offsets == sorted(offsets) and offsets[-1] < len(formed.text)
    assert not live.waiting
    assert say(live) == ""


def test_the_next_utterance_starts_at_the_first_unsaid_word():
    live = stream()
    live.update("Welcome to West Lake.", 0.0, "", "en")
    assert say(live) == "Welcome to West Lake."
    live.update("Welcome to West Lake. On your left", 1.0, "", "en")
    assert live.preview("") == "On your left"
    live.update("Welcome to West Lake. On your left is the bridge,", 1.5, "", "en")
    assert say(live) == "On your left is the bridge"  # never ends on a comma
    assert live.update("Welcome to West Lake. On your left is the bridge,", 2.0, "", "en") == []
    assert not live.waiting


def test_chinese_words_join_without_spaces():
    live = stream("zh")
    live.update("直走两百米", 0.0, "", "zh")
    assert say(live) == "直走两百米"
    live.update("直走两百米，然后左转，", 1.0, "", "zh")
    live.update("直走两百米，然后左转，走到地铁站入口。", 2.0, "", "zh")
    assert say(live) == "然后左转，走到地铁站入口。"


# -- speakers ----------------------------------------------------------------------------------
def test_the_speaker_is_named_once_per_turn():
    live = stream()
    live.update("Hello there.", 0.0, "Anna", "en")
    formed = live.take("", 0.0)
    assert (formed.text, formed.speaker) == ("Anna: Hello there.", "Anna")
    live.update("Hello there. How are you?", 1.0, "Anna", "en")
    assert say(live, "Anna") == "How are you?"
    live.update("Hello there. How are you? Fine.", 2.0, "Anna", "en")
    assert say(live, "") == "Anna: Fine."  # something else was said in between


def test_a_speaker_change_keeps_the_waiting_words_with_their_speaker():
    live = stream()
    live.update("Hello there.", 0.0, "Anna", "en")
    notes = live.update("Hello there. Good morning.", 1.0, "Ben", "en")
    assert notes == ["words of Anna kept for the new speaker's turn"]
    formed = live.take("", 0.0)
    assert (formed.text, formed.speaker) == ("Anna: Hello there. Ben: Good morning.", "Ben")
    assert [(word.word, word.arrived) for word in formed.words] == [
        ("Hello", 0.0),
        ("there", 0.0),
        ("Good", 1.0),
        ("morning", 1.0),
    ]
    live.update("Hello there. Good morning. Nice day.", 2.0, "Ben", "en")
    assert say(live, "Ben") == "Nice day."


def test_chinese_speaker_names_take_a_chinese_colon():
    live = stream("zh")
    live.update("请问去西湖怎么走？", 0.0, "司机", "zh")
    assert say(live) == "司机：请问去西湖怎么走？"


def test_a_new_speakers_new_text_is_said():
    live = stream()
    live.update("Hello there.", 0.0, "Anna", "en")
    assert say(live) == "Anna: Hello there."
    live.update("Good morning.", 1.0, "Ben", "en")
    assert say(live, "Anna") == "Ben: Good morning."


def test_a_new_passage_in_place_of_the_last_is_said_after_its_waiting_words():
    live = stream()
    live.update("Welcome to West Lake.", 0.0, "", "en")
    assert say(live) == "Welcome to West Lake."
    live.update("Welcome to West Lake. The bridge is old.", 1.0, "", "en")
    notes = live.update("Please stay together.", 2.0, "", "en")
    assert notes == ["text replaced by a new passage: its waiting words are still said"]
    assert say(live) == "The bridge is old. Please stay together."


# -- cleared text ------------------------------------------------------------------------------
def test_cleared_text_keeps_its_waiting_words():
    live = stream()
    live.update("Turn left at the bank.", 0.0, "Anna", "en")
    assert say(live) == "Anna: Turn left at the bank."
    live.update("Turn left at the bank. Then go straight.", 1.0, "Anna", "en")
    assert live.update("", 1.5, "Anna", "en") == ["text cleared: its waiting words are still said"]
    assert live.waiting
    live.update("See you.", 2.0, "Anna", "en")
    formed = live.take("Anna", 0.0)
    assert formed.text == "Then go straight. See you."
    assert [(word.word, word.arrived) for word in formed.words] == [
        ("Then", 1.0),
        ("go", 1.0),
        ("straight", 1.0),
        ("See", 2.0),
        ("you", 2.0),
    ]


def test_clearing_said_text_leaves_nothing_waiting():
    live = stream()
    live.update("Hello.", 0.0, "", "en")
    say(live)
    assert live.update("  ", 1.0, "", "en") == []
    assert not live.waiting


# -- revisions and corrections ------------------------------------------------------------------
def test_a_revision_of_waiting_words_is_said_in_its_latest_form_only():
    live = stream()
    live.update("Go straight, then turn left", 0.0, "", "en")
    assert live.update("Go straight, then turn right at the bank", 0.5, "", "en") == []
    assert say(live) == "Go straight, then turn right at the bank"


def test_a_said_direction_that_changes_is_corrected():
    live = stream()
    live.update("Go straight, then turn left", 0.0, "", "en")
    say(live)
    notes = live.update("Go straight, then turn right at the bank.", 3.0, "", "en")
    assert [note.split(" (")[0] for note in notes] == ["said words revised: correction queued"]
    formed = live.take("", 0.0)
    assert formed.text.startswith("Correction: right")
    assert [word.word for word in formed.words] == ["right", "at", "the", "bank"]
    assert formed.words[0].correction


def test_a_said_chinese_direction_that_changes_is_corrected():
    live = stream("zh")
    live.update("直走，然后左转", 0.0, "", "zh")
    say(live)
    live.update("直走，然后右转", 2.0, "", "zh")
    assert say(live).startswith("更正：右转")


@pytest.mark.parametrize(
    "before, after, correction",
    [
        ("The gate is 12", "The gate is 32", "Correction: 32"),
        ("We meet at the station", "We don't meet at the station", "Correction: don't"),
        ("Ask for Anna", "Ask for Maria", "Correction: Maria"),
        ("Take the second exit", "Take the third exit", "Correction: third"),
    ],
)
def test_numbers_negations_and_names_are_corrected(before, after, correction):
    live = stream()
    live.update(before, 0.0, "", "en")
    say(live)
    live.update(after, 1.0, "", "en")
    assert say(live).startswith(correction)


def test_chinese_numbers_are_corrected_with_their_unit():
    live = stream("zh")
    live.update("在第二个路口左转", 0.0, "", "zh")
    say(live)
    live.update("在第三个路口左转", 1.0, "", "zh")
    assert say(live).startswith("更正：三个")


def test_a_said_word_revised_without_changing_a_fact_is_not_repeated():
    live = stream()
    live.update("Go straight ahead, then walk to the bank", 0.0, "", "en")
    say(live)
    notes = live.update("Walk straight ahead, then go to the bank", 1.0, "", "en")
    assert notes and all(note.startswith("said words revised: not repeated") for note in notes)
    assert not live.waiting
    live.update("Walk straight ahead, then go to the bank. It is open.", 2.0, "", "en")
    assert say(live) == "It is open."


def test_a_revision_of_said_words_that_also_adds_new_words_says_the_new_words():
    """When the last said word is replaced in the same update that adds new words, the new words
    are said (with the replaced one in its latest form)."""
    live = stream()
    live.update("Look at the big", 0.0, "", "en")
    say(live)
    live.update("Look at the bug house now", 1.0, "", "en")
    assert "house now" in say(live)


def test_the_oldest_said_words_scrolling_out_of_a_rolling_buffer_are_not_corrected():
    caption = Caption()
    sentence = "Bus 12 leaves at 9:30 from Wensan Road. "
    caption.text = sentence * (MAX_BUFFER // len(sentence))
    live = stream()
    live.update(caption.text, 0.0, "", "en")
    say(live)
    caption.append("The next one is full.")
    assert not caption.text.startswith("Bus 12")
    assert live.update(caption.text, 1.0, "", "en") == []
    assert say(live) == "The next one is full."


# -- skips ---------------------------------------------------------------------------------------
def test_far_behind_the_waiting_words_skip_to_the_newest_sentence():
    live = stream()
    live.update("One two three. Four five six. Seven eight nine", 0.0, "", "en")
    assert live.oldest() == 0.0
    formed = live.take("", 7.5, SKIP_AFTER_S)
    assert formed.text == "Seven eight nine"
    assert formed.skipped == {"text": "One two three. Four five six.", "words": 6, "why": "behind by 7.5 s"}
    assert [word.word for word in formed.words] == ["Seven", "eight", "nine"]
    assert not live.waiting and live.oldest() is None


def test_no_skip_until_the_oldest_waiting_word_is_older_than_the_limit():
    live = stream()
    live.update("One two three. Four five six. Seven eight nine", 0.0, "", "en")
    formed = live.take("", 6.0, SKIP_AFTER_S)
    assert formed.skipped is None
    assert len(formed.words) == 9


def test_no_skip_unless_asked_for():
    live = stream()
    live.update("One two three. Four five six. Seven eight nine", 0.0, "", "en")
    assert live.take("", 100.0).skipped is None


def test_a_stream_that_is_not_live_never_skips():
    text = Stream("notes", "en", caption=False)
    text.update("One two three. Four five six. Seven eight nine", 0.0, "", "en")
    formed = text.take("", 100.0, SKIP_AFTER_S)
    assert formed.skipped is None and len(formed.words) == 9


def test_without_a_sentence_end_the_skip_keeps_the_newest_phrase():
    live = stream()
    live.update("one two three four, five six seven eight", 0.0, "", "en")
    formed = live.take("", 10.0, SKIP_AFTER_S)
    assert formed.text == "five six seven eight"
    assert formed.skipped["words"] == 4


def test_without_a_phrase_end_the_skip_keeps_the_newest_words():
    live = stream()
    live.update("one two three four", 0.0, "", "en")
    live.update("one two three four five six", 5.0, "", "en")
    live.update("one two three four five six seven eight", 8.0, "", "en")
    formed = live.take("", 10.0, SKIP_AFTER_S)  # keeps what arrived in the last 3 s
    assert formed.text == "seven eight"
    assert formed.skipped["text"] == "one two three four five six"
    assert words(formed.skipped["text"]) + [word.word for word in formed.words] == words(live.text)


def test_a_skip_keeps_the_corrections():
    live = stream()
    live.update("Turn left at the bank.", 0.0, "Anna", "en")
    say(live)
    live.update("Turn right at the bank. A long story about the old days of the city. It ends.", 1.0, "Anna", "en")
    formed = live.take("Anna", 8.0, SKIP_AFTER_S)
    assert formed.text.startswith("Correction: right")
    assert formed.text.endswith("It ends.")
    assert formed.skipped["text"] == "A long story about the old days of the city."
    assert formed.skipped["words"] == 10


def test_a_skip_drops_an_older_speakers_waiting_words_first():
    live = stream()
    live.update("A long story about the old days of the city.", 0.0, "Anna", "en")
    live.update("A long story about the old days of the city. It ends.", 1.0, "Ben", "en")
    formed = live.take("", 7.0, SKIP_AFTER_S)
    assert formed.text == "Ben: It ends."
    assert formed.skipped == {
        "text": "A long story about the old days of the city.",
        "words": 10,
        "why": "behind by 7.0 s",
    }


def test_only_carried_pieces_waiting_keep_the_newest_one():
    live = stream()
    live.update("First story, long and winding.", 0.0, "Anna", "en")
    live.update("", 1.0, "Anna", "en")
    live.update("Second story.", 2.0, "Anna", "en")
    live.update("", 3.0, "Anna", "en")
    formed = live.take("", 9.0, SKIP_AFTER_S)
    assert formed.text == "Anna: Second story."
    assert formed.skipped["text"] == "First story, long and winding."
    assert formed.skipped["words"] == 5


# -- rollback ------------------------------------------------------------------------------------
def test_a_cut_off_utterance_resumes_from_the_start_of_the_phrase_it_was_cut_in():
    live = stream()
    live.update("First part here, second part there, third part.", 0.0, "Ann", "en")
    formed = live.take("", 0.0)
    assert formed.text == "Ann: First part here, second part there, third part."
    assert [phrase.at for phrase in formed.phrases] == [0, 22, 41]
    at = live.rollback(formed, formed.text.index("part there"))
    assert at == 22
    assert live.waiting
    live.update("First part here, second part there, third part. Fourth.", 1.0, "Ann", "en")
    assert say(live, "") == "Ann: second part there, third part. Fourth."


def test_a_cut_before_the_first_phrase_ends_says_it_all_again():
    live = stream("zh")
    live.update("大家右边是古城墙，已经有六百多年了。", 0.0, "导游", "zh")
    formed = live.take("", 0.0)
    assert live.rollback(formed, 2) == 0
    assert say(live) == formed.text


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("One two, three four. Five six.", "Ben"),  # the speaker changed while it was said
        ("", "Ann"),  # the text was cleared
        ("Seven eight.", "Ann"),  # a new passage replaced it
    ],
)
def test_a_cut_phrase_is_said_again_after_the_text_moved_on(text, speaker):
    """When the text moved on while an utterance was said (a new speaker, a cleared text, a new
    passage), a cut phrase is still said again, first."""
    live = stream()
    live.update("One two, three four.", 0.0, "Ann", "en")
    formed = live.take("", 0.0)
    live.update("One two, three four. Five six.", 1.0, "Ann", "en")
    live.update(text, 1.5, speaker, "en")
    live.rollback(formed, formed.text.index("three"))
    assert say(live).startswith("Ann: three four. Five six.")


def test_a_cut_phrase_keeps_its_speaker_when_the_next_speaker_has_begun():
    """Ann's utterance cut off after Ben began: the cut phrase is said as Ann's, then Ben's words."""
    live = stream()
    live.update("One two, three four.", 0.0, "Ann", "en")
    formed = live.take("", 0.0)
    live.update("One two, three four. Five six.", 1.0, "Ben", "en")
    live.rollback(formed, formed.text.index("three"))
    assert say(live) == "Ann: three four. Ben: Five six."


def test_a_cut_off_carried_piece_is_said_again_once():
    live = stream()
    live.update("Old words, more old words.", 0.0, "Anna", "en")
    live.update("", 1.0, "Anna", "en")
    formed = live.take("", 0.0)
    assert formed.text == "Anna: Old words, more old words."
    live.rollback(formed, formed.text.index("more"))
    assert say(live, "") == "Anna: more old words."
