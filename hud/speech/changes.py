"""Retained-mode speech: find what changed in the tree since it was last spoken.

A card that appears is spoken once; a caption (or any growing text) is handed on as live text
whenever it changes, and hud.speech.stream decides which of its words are said; a navigation
distance is announced when it passes a threshold, not every metre. Each scan compares the tree with
what the tracker remembers and returns the messages to say and the widgets that went away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from hud.speech import templates
from hud.speech.language import detect
from hud.speech.normalize import speakable
from hud.speech.speakers import Speaks, speaking_widgets
from hud.speech.speakers import speaks_with_display as speaks_with_display
from hud.speech.speakers import speaks_without_display as speaks_without_display
from hud.text.wrap import join_words
from hud.widgets.base import Widget
from hud.widgets.caption import Caption
from hud.widgets.nav_arrow import NavArrow
from hud.widgets.notification import Notification
from hud.widgets.primitives import Text

PRIORITIES = ("low", "normal", "high", "urgent")  # urgent: a turn that is imminent
LOW_MAX_WAIT_S = 30.0  # a low-priority card not reached by then is dropped
PARTIAL_DELAY_S = 1.0  # with partials spoken, a partial result unchanged this long is said


@dataclass(frozen=True)
class Message:
    """Something a widget has to say, before it is scheduled."""

    source: str  # the widget's id, or type and tree position
    aspect: str  # what about it: "instruction", "card", "text"
    text: str
    language: str
    priority: str  # low, normal, high or urgent
    earcon: str | None
    why: str  # "appeared", "changed", "new text", "passed 200 m", "now"
    max_wait: float | None = None  # seconds it may wait to start before it is stale (None: no limit)
    widget: Widget | None = field(default=None, compare=False, repr=False)
    live: bool = False  # live text: `stream` holds all of it, as it is now
    stream: str = field(default="", compare=False, repr=False)
    speaker: str = ""  # who says live text (named once per turn)
    rate: float = 1.0  # speed, times the voice's normal pace

    @property
    def key(self) -> str:
        """Messages with the same key replace each other in the queue."""
        return f"{self.source}/{self.aspect}"


@dataclass
class _Seen:
    widget: Widget
    label: str
    said: str = ""
    signature: tuple = ()
    speaker: str | None = None  # who said the live text last handed on (None: none handed on yet)
    bucket: int = 0
    revision: int = -1  # the widget's revision when it was last checked
    partial: str = ""  # the partial result last seen, and since when
    partial_since: float = 0.0


class Gone(NamedTuple):
    """A widget that was spoken and is no longer shown."""

    source: str
    type_name: str


class ChangeTracker:
    """Remembers what each widget last said and reports what is new."""

    def __init__(
        self,
        speaks: Speaks = speaks_without_display,
        language: str | None = None,
        *,
        partial_delay: float | None = None,
    ) -> None:
        self.speaks = speaks
        self.language = language  # force one template language (None: by the text)
        self.partial_delay = partial_delay  # say a caption's partial result once stable this long (None: never)
        self._seen: dict[int, _Seen] = {}
        self.now = 0.0

    def reset(self) -> None:
        """Forget everything: the next scan speaks every visible widget again."""
        self._seen.clear()

    def scan(self, root: Widget, t: float = 0.0) -> tuple[list[Message], list[Gone]]:
        """Messages for what changed by time `t`, in tree order, and the sources of widgets no
        longer shown."""
        self.now = t
        messages: list[Message] = []
        present: set[int] = set()
        for widget, _, label in self._speakable(root):
            present.add(id(widget))
            message = self._check(widget, label)
            if message is not None and (message.text or message.live):
                messages.append(message)
        gone = [Gone(seen.label, seen.widget.type_name) for key, seen in self._seen.items() if key not in present]
        for key in [key for key in self._seen if key not in present]:
            del self._seen[key]
        return messages, gone

    # -- walking -----------------------------------------------------------------------------
    def speakers(self, root: Widget):
        """The widgets of `root` that speak on this device, in reading order."""
        return (widget for widget, _, _ in self._speakable(root))

    def _speakable(self, root: Widget):
        """(widget, effective mode, label) for every visible widget that speaks, depth first.
        Composites and widgets with `spoken` speak for their whole subtree."""
        for widget, mode, path in speaking_widgets(root, self.speaks):
            yield widget, mode, self._label(widget, path)

    @staticmethod
    def _label(widget: Widget, path: str = "") -> str:
        return widget.id or f"{widget.type_name}@{path or '?'}"

    # -- per widget --------------------------------------------------------------------------
    def _check(self, widget: Widget, label: str) -> Message | None:
        seen = self._seen.get(id(widget))
        fresh = seen is None
        if seen is None:
            seen = self._seen[id(widget)] = _Seen(widget, label)
        elif seen.revision == widget.revision and not (seen.partial and self.partial_delay is not None):
            return None  # no field changed since the last scan: nothing new to say
        seen.revision = widget.revision
        label = seen.label  # a widget keeps the name it was first spoken under, wherever it moves
        if widget.spoken:
            return self._card(widget, seen, fresh, label, widget.spoken)
        if isinstance(widget, NavArrow):
            return self._nav(widget, seen, fresh, label)
        if isinstance(widget, Caption):
            text, language, speaker = _caption_stream(widget)
            return self._stream(widget, seen, fresh, label, text + self._partial(widget, seen), language, speaker)
        if isinstance(widget, Text):
            return self._stream(widget, seen, fresh, label, widget.text, detect(widget.text, widget.lang), "")
        return self._card(widget, seen, fresh, label, None)

    def _template_language(self, detected: str) -> str:
        """The language templates are worded in: the forced one, else the text's own. (Free text,
        such as captions, is always spoken in its own language.)"""
        return self.language or detected

    def _nav(self, widget: NavArrow, seen: _Seen, fresh: bool, label: str) -> Message | None:
        language = self._template_language(detect(widget.street or ""))
        signature = (widget.maneuver, widget.street, widget.exit)
        bucket = templates.nav_bucket(widget.distance_m)
        changed = signature != seen.signature
        # Only a threshold not yet announced for this maneuver counts: a distance that jitters
        # around 200 m says "in 200 metres" once. Going straight on is not counted down.
        passed = bucket > seen.bucket and widget.maneuver != "straight"
        seen.bucket = bucket if (fresh or changed) else max(seen.bucket, bucket)
        seen.signature = signature
        if not (fresh or changed or passed):
            return None
        if fresh or changed:
            distance, why = widget.distance_m, "appeared" if fresh else "new maneuver"
        elif bucket > len(templates.NAV_THRESHOLDS_M):
            distance, why = 0.0, "now"
        else:
            distance = templates.NAV_THRESHOLDS_M[bucket - 1]
            why = f"passed {templates.distance_words(distance, 'en').replace(' metres', ' m')}"
        text = templates.nav_instruction(widget, language, distance, first=fresh)
        imminent = distance <= templates.IMMINENT_M and widget.maneuver != "straight"
        priority = "urgent" if imminent else "normal"
        return Message(
            label,
            "instruction",
            text,
            language,
            priority,
            templates.MANEUVER_EARCONS.get(widget.maneuver),
            why,
            None,
            widget,
        )

    def _partial(self, widget: Caption, seen: _Seen) -> str:
        """A caption's partial result as live text: only with partials spoken, once it stayed the
        same for `partial_delay` seconds, after a word space where the script has them."""
        partial = widget.partial if self.partial_delay is not None and not widget.translation else ""
        if partial != seen.partial:
            seen.partial, seen.partial_since = partial, self.now
        if not partial.strip() or self.partial_delay is None or self.now - seen.partial_since < self.partial_delay:
            return ""
        return join_words(widget.text, partial)[len(widget.text) :]

    def _stream(
        self, widget: Widget, seen: _Seen, fresh: bool, label: str, stream: str, language: str, speaker: str
    ) -> Message | None:
        """Text that grows (captions, live text): handed on whole whenever it (or its speaker)
        changes; the scheduler's stream says its new words."""
        if (stream, speaker) == (seen.said, seen.speaker) and not fresh:
            return None
        before = seen.said
        seen.said, seen.speaker = stream, speaker
        if fresh and not stream.strip():
            return None
        why = (
            "appeared"
            if not before
            else "new text"
            if stream.startswith(before)
            else "text cleared"
            if not stream.strip()
            else "text revised"
        )
        return Message(
            label,
            "text",
            "",
            language,
            "low",
            None,
            why,
            None,
            widget=widget,
            live=True,
            stream=stream,
            speaker=speaker,
        )

    def _card(self, widget: Widget, seen: _Seen, fresh: bool, label: str, spoken: str | None) -> Message | None:
        """Whole-widget descriptions (notifications, price cards): said again only when they change."""
        if spoken is not None:
            language = detect(spoken)
            text = speakable(spoken, language)
        else:
            template = templates.TEMPLATES.get(widget.type_name)
            if template is not None:
                language = self._template_language(_card_language(widget))
                text = template(widget, language)
            else:
                plain = templates.plain_text(widget)
                language = detect(plain)
                text = speakable(plain, language)
        if text == seen.said and not fresh:
            return None
        seen.said = text
        priority = widget.priority if isinstance(widget, Notification) else "normal"
        earcon = templates.notification_earcon(widget) if isinstance(widget, Notification) else None
        return Message(
            label,
            "card",
            text,
            language,
            priority,
            earcon,
            "appeared" if fresh else "changed",
            LOW_MAX_WAIT_S if priority == "low" else None,
            widget,
        )


def _caption_stream(widget: Caption) -> tuple[str, str, str]:
    """(committed text a caption speaks, its language, speaker): the translation if there is one."""
    if widget.translation:
        return widget.translation, detect(widget.translation, widget.translation_lang), widget.speaker or ""
    return widget.text, detect(widget.text, widget.lang), widget.speaker or ""


def _card_language(widget: Widget) -> str:
    texts = [getattr(widget, name, "") or "" for name in ("product", "store", "app", "title", "body")]
    return detect(" ".join(texts))
