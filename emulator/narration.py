"""Speech in the emulator: a Narrator and a LivePlayer on the current scene and device,
updated with scene time after every render.

The scene speaks on the device when `hud.speech.narrator.speaks_on` says so (always on glasses
without a display; on others only for widgets with speak = "always"). `transcript` holds the
recent utterances as lines (the no-display panel shows them). `restart()` drops the narrator:
the next update starts a fresh one, which speaks what is on screen at that moment once (what
was said before is not remembered); the emulator restarts speech when the scene or device
changes or time goes back. Sound is off unless `set_audible(True)` (the window does that);
without it the schedule and the transcript run just the same. A speech engine error stops
speech and is kept in `error` until the next restart, which tries again.
"""

from __future__ import annotations

from typing import Any

from hud.devices import DeviceProfile
from hud.errors import HudError
from hud.scene import Scene
from hud.speech.narrator import Narrator, speaks_on
from hud.speech.player import LivePlayer, TranscriptEntry

TRANSCRIPT_LINES = 24  # utterances kept in `entries`


class Narration:
    """The scene's speech on the device, its transcript and its sound switches."""

    def __init__(self) -> None:
        self.player: LivePlayer | None = None  # None: the scene does not speak (or speech stopped)
        self.entries: list[TranscriptEntry] = []  # the live transcript, oldest first
        self.error: str | None = None  # why speech stopped (the engine failed)
        self.audible = False  # play through the speakers (the window turns it on)
        self.muted = False

    def restart(self) -> None:
        """Drop the narrator (if any) and the error; the next update starts afresh."""
        if self.player is not None:
            self.player.stop()
        self.player = None
        self.error = None
        self.entries = []

    def update(self, scene: Scene, device: DeviceProfile, t: float, paused: bool) -> bool:
        """Speak what changed at scene time `t` (a fresh narrator when the scene starts speaking
        here). Returns False when speech stopped now, on an engine error (`error` says why)."""
        if self.error is not None:
            return True
        try:
            if self.player is None:
                if not speaks_on(scene, device):
                    return True
                self.player = LivePlayer(Narrator(scene, device), audible=self.audible)
                self.player.mute(self.muted)
            self.player.pause(paused)
            if not self.player.update(t):
                return True  # no decision, so no utterance changed: the lines stand
        except HudError as exc:  # SpeechEngineError: no engine, or it failed to speak
            self.error = str(exc)
            if self.player is not None:
                self.player.stop()
            self.player = None
            return False
        self.entries = self.player.transcript(TRANSCRIPT_LINES)
        return True

    @property
    def speaking(self) -> bool:
        """Whether the scene speaks on this device (a narrator is running)."""
        return self.player is not None

    @property
    def pending(self) -> bool:
        """Whether the narrator is still saying something or has something queued."""
        if self.player is None:
            return False
        scheduler = self.player.narrator.scheduler
        return scheduler.current is not None or bool(scheduler.queue)

    @property
    def transcript(self) -> list[str]:
        """The live transcript as lines, oldest first (LivePlayer.transcript)."""
        return [str(entry) for entry in self.entries]

    def set_audible(self, audible: bool = True) -> None:
        """Play speech through the computer's speakers (the window), or keep it silent (headless)."""
        self.audible = audible
        if self.player is not None:
            if not audible:
                self.player.stop()
            self.player.enabled = audible

    def mute(self, muted: bool | None = None) -> bool:
        """Mute or unmute speech (None: toggle); returns whether it is muted now."""
        self.muted = (not self.muted) if muted is None else muted
        if self.player is not None:
            self.player.mute(self.muted)
        return self.muted

    @property
    def sound_error(self) -> str | None:
        """Why speech that should be heard is not (the audio output could not be opened), if so."""
        return self.player.failure if self.player is not None and self.player.enabled else None

    def state(self) -> dict[str, Any]:
        """Whether the scene speaks here, is heard, is muted, and the speech error if any."""
        return {
            "speaking": self.player is not None,
            "audible": bool(self.player and self.player.audible),
            "muted": self.muted,
            "error": self.error,
            "sound_error": self.sound_error,
            "utterances": len(self.player.narrator.utterances) if self.player is not None else 0,
        }
