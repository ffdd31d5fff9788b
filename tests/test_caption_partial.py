"""Live captions: the partial (tentative) words after the committed text, and the caption's
reduced forms (full, compact, minimal)."""

from __future__ import annotations

import numpy as np
import pytest

import hud
from hud.anim import CAPTION_SCROLL_S, Event, Timeline
from hud.builds import Builds
from hud.devices import load_device
from hud.paint import Glyphs, paint_widget
from hud.text.wrap import ELLIPSIS, join_words, layout_text
from hud.theme import Theme
from hud.widgets.caption import Caption
from hud.widgets.primitives import Text

from paths import ROOT

DEVICE = "quark-s1"
ARABIC = "مرحبا بكم في دبي"


def _render(widget: hud.Widget) -> tuple[hud.Renderer, hud.Frame]:
    renderer = hud.Renderer(hud.Scene(widget), DEVICE)
    return renderer, renderer.frame()


def _builds(drawn: hud.Renderer | Builds | None) -> Builds:
    """The builds table of a renderer, the table itself, or a fresh one."""
    return drawn.builds if isinstance(drawn, hud.Renderer) else drawn or Builds()


def _main(caption: Caption, drawn: hud.Renderer | Builds | None = None) -> Text:
    """The caption's own text (its first keep-end Text) in the build of its current form."""
    content = _builds(drawn).content(caption)
    return next(c for c in content.children if isinstance(c, Text) and c.overflow == "keep-end")


def _glyphs(text: Text, renderer: hud.Renderer) -> list[Glyphs]:
    """The text painted from the box and the lines `renderer` laid it out with."""
    commands = paint_widget(text, renderer.box(text), renderer.theme, 1.0, block=renderer.text_block(text))
    assert all(isinstance(c, Glyphs) for c in commands)
    return commands  # type: ignore[return-value]


def _positions(command: Glyphs) -> list[tuple[int, int]]:
    return [(x, y) for _, _, x, y in command.items]


def _spans(command: Glyphs) -> tuple[int, int]:
    """Leftmost and rightmost pixel columns the command's glyphs cover."""
    return min(x for _, _, x, _ in command.items), max(x + b.shape[1] for _, b, x, _ in command.items)


# -- the join rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, joined",
    [
        ("meet at", "the station", "meet at the station"),  # Latin: a word space
        ("meet at ", "the station", "meet at the station"),  # already spaced
        ("meet at", " the station", "meet at the station"),
        ("at 5", "pm", "at 5 pm"),
        ("hello", ", world", "hello, world"),  # no space before closing punctuation
        ("hello", ".", "hello."),
        ("(", "hello", "(hello"),  # nor after opening punctuation
        ("“hi", "”", "“hi”"),
        ("John", "’s", "John’s"),
        ("你好", "我想去", "你好我想去"),  # Chinese: no spaces between words
        ("你好", "，我想去", "你好，我想去"),
        ("价格是100", "元", "价格是100元"),
        ("東京", "Tokyo", "東京Tokyo"),
        ("今日は", "いい天気", "今日はいい天気"),  # Japanese
        ("สวัสดี", "ครับ", "สวัสดีครับ"),  # Thai
        ("ສະບາຍດີ", "ເຈົ້າ", "ສະບາຍດີເຈົ້າ"),  # Lao
        ("안녕하세요", "반갑습니다", "안녕하세요 반갑습니다"),  # Korean is written with spaces
        ("مرحبا", "بكم", "مرحبا بكم"),  # Arabic
        ("مرحبا", "، كيف", "مرحبا، كيف"),
        ("", "words", "words"),
        ("words", "", "words"),
    ],
)
def test_join_words(before: str, after: str, joined: str) -> None:
    assert join_words(before, after) == joined


# -- partial text ------------------------------------------------------------------------------


def test_partial_is_shown_after_a_word_space() -> None:
    caption = Caption(text="meet at", anchor="bottom")
    caption.replace_partial("the station")
    assert _main(caption).text == "meet at the station"
    assert _main(caption).dim_from == len("meet at ")


def test_no_partial_draws_one_colour() -> None:
    caption = Caption(text="meet at the station", anchor="bottom")
    renderer, _ = _render(caption)
    assert _main(caption, renderer).dim_from is None
    (command,) = _glyphs(_main(caption, renderer), renderer)
    assert command.colour == renderer.theme.colour("fg")


def test_partial_glyphs_are_dim_and_committed_glyphs_keep_the_caption_colour() -> None:
    caption = Caption(text="meet at", partial="the station", anchor="bottom")
    renderer, _ = _render(caption)
    committed, partial = _glyphs(_main(caption, renderer), renderer)
    assert committed.colour == renderer.theme.colour("fg")
    assert partial.colour == renderer.theme.colour("dim")
    assert len(committed.items) == len("meetat") and len(partial.items) == len("thestation")
    assert _spans(committed)[1] < _spans(partial)[0]  # the partial words come after, on the right


def test_partial_pixels_are_dimmer_and_commit_only_brightens_them() -> None:
    caption = Caption(text="meet at", partial="the station", anchor="bottom")
    renderer, before = _render(caption)
    caption.append("the station")  # at the scene's time, as a timeline append
    assert caption.text == "meet at the station" and caption.partial == ""
    after = renderer.frame(CAPTION_SCROLL_S)  # past any scroll
    _, fresh = _render(Caption(text="meet at the station", anchor="bottom"))
    for eye in before.eyes:
        was, now = before.eyes[eye].astype(int), after.eyes[eye].astype(int)
        assert np.array_equal(now, fresh.eyes[eye])
        assert (was <= now).all()  # nothing moved: the partial's pixels only brighten
        changed = was != now
        assert changed.any()
        assert was[changed].max() < 0.7 * now[changed].max()
        assert was[~changed].max() == now.max()  # the committed words are as bright as after


def test_commit_keeps_every_glyph_in_place() -> None:
    caption = Caption(
        text="The north gate of the museum opens at ten and",
        partial="the boat tour leaves",
        max_lines=3,
        width=300,
        anchor="bottom",
    )
    renderer, _ = _render(caption)
    block = renderer.text_block(_main(caption, renderer))
    before = [position for command in _glyphs(_main(caption, renderer), renderer) for position in _positions(command)]
    caption.append(caption.partial)
    renderer.frame()
    (command,) = _glyphs(_main(caption, renderer), renderer)
    assert renderer.text_block(_main(caption, renderer)).lines == block.lines
    assert sorted(_positions(command)) == sorted(before)


def test_partial_split_follows_lines() -> None:
    """A partial that wraps: every glyph from the first partial word on is dim, on all lines."""
    caption = Caption(
        text="one two three", partial="four six seven eight nine ten twelve", max_lines=8, width=160, anchor="bottom"
    )
    renderer, _ = _render(caption)
    main = _main(caption, renderer)
    lines = renderer.text_block(main).lines
    assert len(lines) >= 3
    for line in lines:
        assert main.text[line.start :].startswith(line.text)
    committed, partial = _glyphs(main, renderer)
    assert len(committed.items) == len("onetwothree")
    assert len(partial.items) == len("foursixseveneightninetentwelve")


def test_rtl_partial_is_dim_and_on_the_left() -> None:
    caption = Caption(text="مرحبا بكم", lang="ar", anchor="bottom")
    caption.replace_partial("في دبي")
    assert _main(caption).text == ARABIC
    renderer, _ = _render(caption)
    committed, partial = _glyphs(_main(caption, renderer), renderer)
    assert partial.colour == renderer.theme.colour("dim")
    assert _spans(partial)[1] <= _spans(committed)[0]  # later words are further left
    before = sorted(_positions(committed) + _positions(partial))
    caption.append("في دبي")
    renderer.frame()
    (command,) = _glyphs(_main(caption, renderer), renderer)
    assert caption.text == ARABIC
    assert sorted(_positions(command)) == before


def test_latin_partial_in_an_rtl_caption() -> None:
    caption = Caption(text="رحلة", partial="EK303", lang="ar", anchor="bottom")
    renderer, _ = _render(caption)
    committed, partial = _glyphs(_main(caption, renderer), renderer)
    assert len(partial.items) == len("EK303")
    assert _spans(partial)[1] <= _spans(committed)[0]


def test_partial_after_a_scroll_back_line() -> None:
    """Scrolled back, the newest (partial) line is off screen: nothing is dim."""
    caption = Caption(
        text="one two three four five six seven eight",
        partial="nine ten",
        max_lines=1,
        width=120,
        back=2,
        anchor="bottom",
    )
    renderer, _ = _render(caption)
    (command,) = _glyphs(_main(caption, renderer), renderer)
    assert command.colour == renderer.theme.colour("fg")


def test_dim_from_counts_characters_of_the_text() -> None:
    """Controls the shaper drops and paragraph breaks do not move the split."""
    for string, dim_from, counts in [
        ("ab\x01 cd", 4, (2, 2)),
        ("one\r\ntwo three", 9, (6, 5)),
        ("\x02one two", 5, (3, 3)),
    ]:
        text = Text(text=string, anchor="bottom")
        text.dim_from = dim_from
        renderer, _ = _render(text)
        committed, partial = _glyphs(text, renderer)
        assert (len(committed.items), len(partial.items)) == counts, string


def test_caption_append_joins_like_the_display() -> None:
    caption = Caption(text="你好")
    caption.replace_partial("我想去")
    shown = _main(caption).text
    caption.append("我想去")
    assert caption.text == shown == "你好我想去"
    caption.append(" west lake")  # a leading space is kept as it is (timelines append that way)
    assert caption.text == "你好我想去 west lake"
    caption.append("")  # commits nothing, drops the partial
    assert caption.text == "你好我想去 west lake" and caption.partial == ""


# -- where each line starts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kwargs",
    [
        ("one two three four five six seven eight nine ten", {"max_lines": 2, "overflow": "keep-end"}),
        ("one two three\r\nfour five six\nseven eight nine ten", {}),
        ("one two three four five six seven eight nine ten", {"max_lines": 2, "overflow": "ellipsis"}),
        (ARABIC + " EK303 " + ARABIC, {"language": "ar"}),
        ("前面就是断桥，冬天下雪的时候最漂亮。我们坐船去湖心岛。", {"max_lines": 1, "overflow": "keep-end"}),
    ],
)
def test_lines_know_where_they_start(text: str, kwargs: dict) -> None:
    block = layout_text(text, 24, "bold", 120, **kwargs)
    for line in block.above + block.lines:
        assert text[line.start :].startswith(line.text.removesuffix(ELLIPSIS)), (line.start, line.text)
    starts = [line.start for line in block.above + block.lines]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_line_start_skips_dropped_controls() -> None:
    text = "\x01\x02ab cd\x03ef gh"
    block = layout_text(text, 24, "regular", 60)
    assert [line.text for line in block.lines] == ["ab", "cdef", "gh"]
    assert [line.start for line in block.lines] == [2, 5, 11]


# -- reduced forms -----------------------------------------------------------------------------

LONG = "Welcome to West Lake. On your left is the Broken Bridge, famous from the legend of the White Snake."
TRANSLATION = "欢迎来到西湖。左边是断桥，因白蛇传的故事而闻名。冬天雪后最漂亮。"


def _texts(caption: Caption, drawn: hud.Renderer | Builds | None = None) -> list[Text]:
    return [w for w in _builds(drawn).content(caption).children if isinstance(w, Text)]


@pytest.mark.parametrize("form, lines, speaker", [("full", 3, True), ("compact", 2, True), ("minimal", 1, False)])
def test_caption_forms(form: str, lines: int, speaker: bool) -> None:
    caption = Caption(
        text=LONG, speaker="Guide", translation=TRANSLATION, max_lines=3, width="50%", anchor="bottom", form=form
    )
    renderer, _ = _render(caption)
    texts = _texts(caption, renderer)
    assert (texts[0].text == "Guide") is speaker
    main, translation = texts[-2:]
    assert main is _main(caption, renderer) and main.text == LONG
    assert main.max_lines == translation.max_lines == lines
    main_lines, translation_lines = renderer.text_block(main).lines, renderer.text_block(translation).lines
    assert len(main_lines) == len(translation_lines) == lines
    assert main_lines[-1].text.endswith("Snake.")  # the newest words stay
    assert translation_lines[-1].text.endswith("漂亮。")


def test_compact_keeps_at_least_one_line() -> None:
    caption = Caption(text=LONG, speaker="Guide", max_lines=1, form="compact")
    assert [t.max_lines for t in _texts(caption)] == [1, 1]


def test_forms_follow_the_compositor_and_keep_the_partial() -> None:
    caption = Caption(text="meet at", partial="the station", speaker="Guide", max_lines=2)
    builds = Builds()
    assert builds.form(caption) == "full" and len(_texts(caption, builds)) == 2
    builds.use_form(caption, "minimal")
    (main,) = _texts(caption, builds)
    assert main.text == "meet at the station" and main.dim_from == len("meet at ")


def test_lines_dropped_uses_the_lines_of_the_form() -> None:
    caption = Caption(text="one", max_lines=2, width=150, anchor="bottom")
    renderer, _ = _render(caption)
    caption.scroll_from, caption.scroll_left = caption.text, 1.0  # what a timeline append sets
    caption.text = "one two three four five six seven"
    renderer.frame()
    full = renderer.layout.drop(_main(caption, renderer))
    assert full > 0
    caption.form = "minimal"
    renderer.frame()
    assert renderer.layout.drop(_main(caption, renderer)) == full + 1


def test_scroll_reaches_every_kept_form() -> None:
    caption = Caption(text=LONG, speaker="Guide", max_lines=2, anchor="bottom")
    renderer, _ = _render(caption)
    builds = renderer.builds
    full = builds.content(caption)
    builds.use_form(caption, "minimal")
    _ = builds.content(caption)
    built = builds.built
    caption.scroll = 0.5
    assert _main(caption, builds).scroll == 0.5
    builds.use_form(caption, "full")
    assert builds.content(caption) is full and _main(caption, builds).scroll == 0.5  # the kept full build moved too
    assert builds.built == built  # a scroll builds nothing


@pytest.mark.parametrize("form", ["full", "compact", "minimal"])
def test_timeline_scroll_and_back_in_every_form(form: str) -> None:
    scene = hud.load_scene(ROOT / "scenes" / "streamed-caption.toml")
    caption = scene["live"]
    caption.form = form
    renderer = hud.Renderer(scene, DEVICE)
    renderer.frame(0.0)
    renderer.frame(3.65)  # just after an append that pushes lines off the top
    main = _main(caption, renderer)
    assert caption.scroll_left > 0 and main.scroll_left == caption.scroll_left
    assert main.scroll_from == caption.scroll_from is not None and renderer.layout.drop(main) > 0
    renderer.frame(6.0)
    newest = renderer.text_block(_main(caption, renderer)).lines
    assert caption.scroll_left == 0 and caption.scroll_from is None
    caption.back = 1
    renderer.frame(6.0)
    main = _main(caption, renderer)
    older = renderer.text_block(main).lines
    assert older[-1].start < newest[-1].start and len(older) == len(newest) == main.max_lines


def test_min_widths_narrow_with_the_form() -> None:
    widths = [Caption.MIN_WIDTH_DEG[form] for form in ("full", "compact", "minimal")]
    assert all(w is not None for w in widths) and widths == sorted(widths, reverse=True)
    theme = Theme(load_device(DEVICE))
    assert theme.device.deg_to_px(widths[-1]) > 4 * theme.text_px("body")  # a few words still fit


# -- timelines ---------------------------------------------------------------------------------


def test_timeline_append_with_a_leading_space_matches_caption_append() -> None:
    caption = Caption(text="meet at", partial=" the sta")
    timeline = Timeline()
    timeline.add(Event(1.0, caption, "append", "text", " the station"))
    timeline.apply(1.0)
    direct = Caption(text="meet at", partial=" the sta")
    direct.append(" the station")
    assert (caption.text, caption.partial) == (direct.text, direct.partial) == ("meet at the station", "")


def test_timeline_append_joins_words_like_caption_append() -> None:
    caption = Caption(text="meet at", partial="the sta")
    timeline = Timeline()
    timeline.add(Event(1.0, caption, "append", "text", "the station"))
    timeline.apply(1.0)
    assert caption.text == "meet at the station"
