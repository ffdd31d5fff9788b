"""Speech synthesis with espeak-ng: the packaged library through ctypes, else a system one.

Sources, tried in order by `load_engine`: "package" (the espeakng-loader wheel's libespeak-ng
and espeak-ng-data), "system-library" (a libespeak-ng found by ctypes.util.find_library, with
its own default data), "system-command" (`espeak-ng --stdout`, parsed as WAV).

espeak-ng reads a script its voice does not know as "Chinese letter, Chinese letter ...", so
`Engine.synthesize` splits text into runs by script (`script_runs`) and speaks each run with a
voice that reads it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
import wave
from collections import OrderedDict
from collections.abc import Callable, Sequence
from ctypes import CFUNCTYPE, POINTER, c_char_p, c_int, c_short, c_size_t, c_uint, c_void_p
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from fontTools import unicodedata as ftunicodedata

from hud.errors import HudError

FIX = "run `make env`, or `pip install espeakng-loader`, or `apt install espeak-ng`"
SOURCES = ("package", "system-library", "system-command")
ESPEAK_RATE = 22050
CACHE_SIZE = 256
CACHE_SAMPLES = 300 * ESPEAK_RATE  # audio the cache keeps at most (5 minutes): older audio is synthesised again
PIECE_CHARS = 400  # longest text given to espeak-ng at once: longer texts are spoken piece by piece
PIECE_GAP_S = 0.12  # silence between the pieces of a long text
PEAK = 0.7  # about -3 dBFS
MARGIN_S = 0.010  # silence kept at each end of a trimmed piece
GAP_S = 0.040  # silence between the pieces of a mixed-script utterance
# espeak-ng wobbles the pitch of every voice ("flutter") from a counter it never resets, so the
# length of an utterance would depend on everything spoken before it. A voice variant with no
# flutter makes each utterance's length a function of its text alone.
STEADY_VARIANT = "hud-steady"
# Words per minute each voice speaks at rate 1.0. espeak-ng's own default, 175, says about 3.3
# English words a second; at 190 (3.6 a second) its fastest catch-up speed, 1.5x, keeps up with a
# fast talker (5 words a second). Its Mandarin, Cantonese and Hakka voices say 3.6 syllables a
# second at 175, far slower than people speak (about 5); at 240 they say 5.0, and 8 at 1.5x.
DEFAULT_WPM = 190
VOICE_WPM: dict[str, int] = {"cmn": 240, "yue": 240, "hak": 240}
RATE_STEP = 0.05  # speeds are multiples of this (so a few clips serve every speed, cached)
MIN_RATE, MAX_RATE = 0.5, 3.0
ESPEAK_WPM = (80, 500)  # what espeak-ng accepts
_STEADY_FILE = "language variant\nname hud-steady\nflutter 0\n"


class SpeechEngineError(HudError):
    """No speech engine could be loaded, or it failed to speak."""


# Language code (lower case) -> espeak-ng voice name (a file name under espeak-ng-data/lang).
VOICES: dict[str, str] = {
    "en": "en",
    "en-gb": "en",
    "en-us": "en-us",  # "en" is English (Great Britain)
    "zh": "cmn",
    "cmn": "cmn",
    "zh-hk": "yue",
    "zh-mo": "yue",
    "yue": "yue",
    "hak": "hak",
    "ja": "ja",
    "ko": "ko",
    "ar": "ar",
    "he": "he",
    "iw": "he",
    "fa": "fa",
    "ur": "ur",
    "hi": "hi",
    "mr": "mr",
    "ne": "ne",
    "bn": "bn",
    "ta": "ta",
    "te": "te",
    "kn": "kn",
    "ml": "ml",
    "gu": "gu",
    "pa": "pa",
    "si": "si",
    "th": "th",
    "vi": "vi",
    "my": "my",
    "ru": "ru",
    "uk": "uk",
    "be": "be",
    "bg": "bg",
    "mk": "mk",
    "sr": "sr",
    "kk": "kk",
    "el": "el",
    "tr": "tr",
    "az": "az",
    "ka": "ka",
    "hy": "hy",
    "am": "am",
    "fr": "fr",
    "fr-be": "fr-be",
    "fr-ch": "fr-ch",
    "de": "de",
    "nl": "nl",
    "af": "af",
    "es": "es",
    "es-419": "es-419",
    "es-mx": "es-419",
    "it": "it",
    "ca": "ca",
    "eu": "eu",
    "pt": "pt",
    "pt-br": "pt-br",
    "ro": "ro",
    "pl": "pl",
    "cs": "cs",
    "sk": "sk",
    "hu": "hu",
    "fi": "fi",
    "et": "et",
    "lv": "lv",
    "lt": "lt",
    "hr": "hr",
    "bs": "bs",
    "sl": "sl",
    "sq": "sq",
    "sv": "sv",
    "da": "da",
    "nb": "nb",
    "no": "nb",
    "is": "is",
    "cy": "cy",
    "ga": "ga",
    "id": "id",
    "ms": "ms",
    "sw": "sw",
}

# ISO 15924 script -> (voice for runs in it, voices that read it themselves). Han goes to cmn even
# in Japanese: espeak-ng's ja voice reads only kana and says "Chinese letter" for every kanji.
_SCRIPTS: dict[str, tuple[str, frozenset[str]]] = {
    "Hani": ("cmn", frozenset({"cmn", "yue", "hak"})),
    "Hira": ("ja", frozenset({"ja"})),
    "Kana": ("ja", frozenset({"ja"})),
    "Hang": ("ko", frozenset({"ko"})),
    "Arab": ("ar", frozenset({"ar", "fa", "ur"})),
    "Hebr": ("he", frozenset({"he"})),
    "Deva": ("hi", frozenset({"hi", "mr", "ne"})),
    "Beng": ("bn", frozenset({"bn"})),
    "Taml": ("ta", frozenset({"ta"})),
    "Telu": ("te", frozenset({"te"})),
    "Knda": ("kn", frozenset({"kn"})),
    "Mlym": ("ml", frozenset({"ml"})),
    "Gujr": ("gu", frozenset({"gu"})),
    "Guru": ("pa", frozenset({"pa"})),
    "Sinh": ("si", frozenset({"si"})),
    "Thai": ("th", frozenset({"th"})),
    "Mymr": ("my", frozenset({"my"})),
    "Cyrl": ("ru", frozenset({"ru", "uk", "be", "bg", "mk", "sr", "kk"})),
    "Grek": ("el", frozenset({"el"})),
    "Geor": ("ka", frozenset({"ka"})),
    "Armn": ("hy", frozenset({"hy"})),
    "Ethi": ("am", frozenset({"am"})),
}
_UNSPOKEN = {"ja": str.maketrans("", "", "ー")}  # the ja voice says "Japanese letter" for ー
# Never handed to espeak-ng: lone surrogates (not text: they cannot be encoded), controls, and
# the bidi controls and noncharacters no voice can say.
_UNSAYABLE = re.compile(
    "[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]"
)
# Where a long text may be cut into pieces, best first: after a sentence, after a clause, at a space.
_PIECE_CUTS = (re.compile(r"[.!?…。！？]+[\"'”’)\]」』）]*\s*"), re.compile(r"[,;:，；：、]\s*"), re.compile(r"\s+"))


def voice_for(language: str) -> str:
    """BCP-47-ish code ("zh", "zh-CN", "en-US", "ja") -> espeak voice; unknown languages -> English voice."""
    parts = [p for p in language.strip().lower().replace("_", "-").split("-") if p]
    parts = parts[:1] + [p for p in parts[1:] if not (len(p) == 4 and p.isalpha())]  # drop script subtags
    for n in range(len(parts), 0, -1):
        if voice := VOICES.get("-".join(parts[:n])):
            return voice
    return VOICES["en"]


def _char_voice(char: str, voice: str) -> str | None:
    """The voice for one character in an utterance spoken by `voice`; None for punctuation and spaces."""
    script = ftunicodedata.script(char)
    if script in _SCRIPTS:
        other, readers = _SCRIPTS[script]
        return voice if voice in readers else other
    if script == "Latn" or unicodedata.category(char) == "Nd":
        return voice
    return None  # Common (punctuation, spaces, symbols), Inherited (combining marks), unknown


def words_per_minute(voice: str, rate: float = 1.0) -> int:
    """espeak-ng's speed for `voice` at `rate` times its normal pace."""
    wpm = round(VOICE_WPM.get(voice, DEFAULT_WPM) * rate)
    return min(max(wpm, ESPEAK_WPM[0]), ESPEAK_WPM[1])


def quantize_rate(rate: float) -> float:
    """`rate` rounded to RATE_STEP within [MIN_RATE, MAX_RATE]."""
    stepped = round(round(rate / RATE_STEP) * RATE_STEP, 2)
    return min(max(stepped, MIN_RATE), MAX_RATE)


def speech_pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, after a sentence where possible,
    else after a clause, else at a space, else between two characters that are not a base and
    its mark. A text within the limit is one piece, itself."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = 0
        for pattern in _PIECE_CUTS:
            ends = [match.end() for match in pattern.finditer(text, 0, limit + 1) if 0 < match.end() <= limit]
            if ends:
                cut = ends[-1]
                break
        if not cut:
            cut = limit
            while cut > 1 and unicodedata.category(text[cut])[0] == "M":
                cut -= 1  # a combining mark stays with its base
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def script_runs(text: str, language: str) -> list[tuple[str, str]]:
    """Split `text` into (run, voice) pieces by script. Latin letters and digits keep the utterance's
    voice; punctuation and spaces join the preceding run (the following one at the start)."""
    voice = voice_for(language)
    runs: list[list[str]] = []
    lead = ""
    for char in text:
        own = _char_voice(char, voice)
        if own is None:
            if runs:
                runs[-1][0] += char
            else:
                lead += char
        elif runs and runs[-1][1] == own:
            runs[-1][0] += char
        else:
            runs.append([lead + char, own])
            lead = ""
    if not runs and lead.strip():
        runs.append([lead, voice])
    return [(run, own) for run, own in runs]


class _Backend(Protocol):
    sample_rate: int

    def render(self, text: str, voice: str, wpm: int = DEFAULT_WPM) -> np.ndarray:
        """Float32 samples of `text` in espeak voice `voice` at `wpm` words a minute, untrimmed."""


_LOCK = threading.RLock()  # espeak-ng keeps global state: every call into it holds this
_SYNTH_CALLBACK = CFUNCTYPE(c_int, POINTER(c_short), c_int, c_void_p)
_LIBRARIES: dict[str, _Library] = {}  # by real path: one initialisation per loaded shared object


class _Library:
    """libespeak-ng through ctypes, synthesising synchronously into a Python callback."""

    def __init__(self, path: str, data: str | None) -> None:
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            raise SpeechEngineError(f"cannot load {path}: {_one_line(error)}") from None
        try:
            lib.espeak_ng_InitializePath.argtypes = [c_char_p]
            lib.espeak_ng_Initialize.argtypes = [POINTER(c_void_p)]
            lib.espeak_ng_InitializeOutput.argtypes = [c_int, c_int, c_char_p]
            lib.espeak_ng_GetStatusCodeMessage.argtypes = [c_int, c_char_p, c_size_t]
            lib.espeak_ng_ClearErrorContext.argtypes = [POINTER(c_void_p)]
            lib.espeak_SetVoiceByName.argtypes = [c_char_p]
            lib.espeak_Synth.argtypes = [c_void_p, c_size_t, c_uint, c_int, c_uint, c_uint, c_void_p, c_void_p]
            lib.espeak_Info.argtypes = [POINTER(c_char_p)]
            lib.espeak_Info.restype = c_char_p
            lib.espeak_SetParameter.argtypes = [c_int, c_int, c_int]
        except AttributeError as error:
            raise SpeechEngineError(f"{path} is not libespeak-ng 1.49 or later ({error})") from None
        self._lib = lib
        lib.espeak_ng_InitializePath(data.encode() if data else None)
        context = c_void_p()
        status = lib.espeak_ng_Initialize(ctypes.byref(context))
        lib.espeak_ng_ClearErrorContext(ctypes.byref(context))
        if status == 0:
            status = lib.espeak_ng_InitializeOutput(0x0001, 0, None)  # ENOUTPUT_MODE_SYNCHRONOUS
        found = c_char_p()
        self.version = (lib.espeak_Info(ctypes.byref(found)) or b"").decode(errors="replace")
        self.data = (found.value or b"").decode(errors="replace")
        if status != 0:
            raise SpeechEngineError(f"{path} cannot use espeak-ng data at {self.data}: {self._message(status)}")
        self.sample_rate = int(lib.espeak_ng_GetSampleRate())
        self._chunks: list[np.ndarray] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # referenced here so it outlives every call
        lib.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None
        self.variant: str | None = None  # voice variant added to every voice name

    def _message(self, status: int) -> str:
        text = ctypes.create_string_buffer(512)
        self._lib.espeak_ng_GetStatusCodeMessage(status, text, len(text))
        return text.value.decode(errors="replace") or f"status {status:#x}"

    def _collect(self, wav: ctypes._Pointer, count: int, _events: int) -> int:
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def _restart(self) -> None:
        """Start espeak-ng afresh: some voices leave settings behind that change how the next
        voice speaks (after Belarusian, English is 0.16 s longer), so each voice change
        starts from a clean state (about 0.2 ms)."""
        lib = self._lib
        lib.espeak_Terminate()
        context = c_void_p()
        status = lib.espeak_ng_Initialize(ctypes.byref(context))
        lib.espeak_ng_ClearErrorContext(ctypes.byref(context))
        if status == 0:
            status = lib.espeak_ng_InitializeOutput(0x0001, 0, None)
        if status != 0:
            raise SpeechEngineError(f"espeak-ng could not restart: {self._message(status)}")
        lib.espeak_SetSynthCallback(self._callback)

    def render(self, text: str, voice: str, wpm: int = DEFAULT_WPM) -> np.ndarray:
        with _LOCK:
            if voice != self._voice:
                if self._voice is not None:
                    self._restart()
                self._voice = None
                name = f"{voice}+{self.variant}" if self.variant else voice
                if (code := self._lib.espeak_SetVoiceByName(name.encode())) != 0:
                    raise SpeechEngineError(
                        f"espeak-ng has no voice {voice!r} (error {code}; use a name from hud.speech.tts.VOICES)"
                    )
                self._voice = voice
            self._lib.espeak_SetParameter(1, wpm, 0)  # espeakRATE, absolute
            data = text.encode() + b"\0"
            self._chunks = []
            code = self._lib.espeak_Synth(data, len(data), 0, 1, 0, 1, None, None)  # POS_CHARACTER, UTF-8
            self._lib.espeak_Synchronize()
            chunks, self._chunks = self._chunks, []
        if code != 0:
            raise SpeechEngineError(f"espeak-ng failed to speak {text!r} (error {code})")
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return samples.astype(np.float32) / 32768.0


def steady_data(data: str) -> str | None:
    """A copy of the espeak-ng data folder `data` made of links, plus the STEADY_VARIANT voice
    variant, kept in the user's cache folder (else the temporary folder); None where links
    cannot be made."""
    source = Path(data).resolve()
    stamp = hashlib.sha1(f"{source}:{_STEADY_FILE}".encode()).hexdigest()[:12]
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hud"
    for folder in (home, Path(tempfile.gettempdir()) / f"hud-{os.getuid() if hasattr(os, 'getuid') else 0}"):
        made = _steady_copy(source, folder / f"espeak-ng-data-{stamp}")
        if made is not None:
            return made
    return None


def _steady_copy(source: Path, cache: Path) -> str | None:
    if (cache / "voices" / "!v" / STEADY_VARIANT).is_file():
        return str(cache)
    building = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        for entry in source.iterdir():
            if entry.name != "voices":
                (building / entry.name).symlink_to(entry)
        voices = building / "voices"
        (voices / "!v").mkdir(parents=True)
        for entry in (source / "voices").iterdir() if (source / "voices").is_dir() else ():
            if entry.name != "!v":
                (voices / entry.name).symlink_to(entry)
        for entry in (source / "voices" / "!v").iterdir() if (source / "voices" / "!v").is_dir() else ():
            (voices / "!v" / entry.name).symlink_to(entry)
        (voices / "!v" / STEADY_VARIANT).write_text(_STEADY_FILE, encoding="ascii")
        try:
            building.rename(cache)
        except OSError:  # another process finished first
            shutil.rmtree(building, ignore_errors=True)
        return str(cache) if (cache / "voices" / "!v" / STEADY_VARIANT).is_file() else None
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
        return None


def _library(path: str, data: str | None) -> _Library:
    """The `_Library` for `path`, loaded and initialised once per process."""
    key = os.path.realpath(path)
    with _LOCK:
        if key not in _LIBRARIES:
            _LIBRARIES[key] = _Library(path, data)
        return _LIBRARIES[key]


class _Command:
    """The `espeak-ng` program: `espeak-ng -v VOICE --stdout TEXT` writes a WAV to stdout."""

    sample_rate = ESPEAK_RATE

    def __init__(self, program: str) -> None:
        self.program = program

    def render(self, text: str, voice: str, wpm: int = DEFAULT_WPM) -> np.ndarray:
        argument = " " + text if text.startswith("-") else text  # never read as an option
        try:
            done = subprocess.run(
                [self.program, "-v", voice, "-s", str(wpm), "--stdout", argument],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SpeechEngineError(f"{self.program} failed: {_one_line(error)}") from None
        if done.returncode != 0:
            why = _one_line(done.stderr.decode(errors="replace")) or f"exit status {done.returncode}"
            raise SpeechEngineError(f"{self.program} -v {voice} failed: {why}")
        try:
            with wave.open(io.BytesIO(done.stdout)) as wav:
                width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
                frames = wav.readframes(wav.getnframes())  # espeak's piped header has a dummy length
        except (wave.Error, EOFError) as error:
            raise SpeechEngineError(f"{self.program} wrote no WAV to stdout: {_one_line(error)}") from None
        if width != 2:
            raise SpeechEngineError(f"{self.program} wrote {8 * width}-bit audio; expected 16-bit")
        usable = len(frames) // (2 * channels) * 2 * channels
        samples = np.frombuffer(frames[:usable], "<i2").reshape(-1, channels).mean(axis=1) / 32768.0
        if rate != self.sample_rate and samples.size:
            times = np.arange(round(samples.size * self.sample_rate / rate)) * (rate / self.sample_rate)
            samples = np.interp(times, np.arange(samples.size), samples)
        return samples.astype(np.float32)


def _one_line(error: object) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """`samples` without leading and trailing silence, keeping MARGIN_S of it at each end."""
    level = np.abs(samples)
    peak = float(level.max()) if samples.size else 0.0
    if peak == 0.0:
        return samples[:0]
    loud = np.flatnonzero(level > 0.01 * peak)
    margin = round(MARGIN_S * rate)
    return samples[max(loud[0] - margin, 0) : loud[-1] + 1 + margin]


class SpeechEngine(Protocol):
    """What the narrator asks of a speech engine: `Engine`, or a `TimedEngine` around one."""

    name: str
    sample_rate: int

    @property
    def gap_samples(self) -> int: ...

    def synthesize(self, text: str, language: str, rate: float = 1.0) -> np.ndarray: ...

    def synthesize_piece(self, text: str, language: str, rate: float = 1.0) -> np.ndarray: ...

    def piece_samples(self, piece: str, language: str, rate: float = 1.0) -> int: ...

    def samples(self, text: str, language: str, rate: float = 1.0) -> int: ...


Result = TypeVar("Result")


class Timer(Protocol):
    """Times a call (hud.profile.SpeechProfiler counts speech synthesis this way)."""

    def timed(self, call: Callable[..., Result], *args: Any) -> Result: ...


class TimedEngine:
    """A speech engine that says what `engine` says, every call timed by `timer`."""

    def __init__(self, engine: SpeechEngine, timer: Timer) -> None:
        self.engine = engine
        self.timer = timer
        self.name = engine.name
        self.sample_rate = engine.sample_rate

    @property
    def gap_samples(self) -> int:
        return self.engine.gap_samples

    def synthesize(self, text: str, language: str, rate: float = 1.0) -> np.ndarray:
        return self.timer.timed(self.engine.synthesize, text, language, rate)

    def synthesize_piece(self, text: str, language: str, rate: float = 1.0) -> np.ndarray:
        return self.timer.timed(self.engine.synthesize_piece, text, language, rate)

    def piece_samples(self, piece: str, language: str, rate: float = 1.0) -> int:
        return self.timer.timed(self.engine.piece_samples, piece, language, rate)

    def samples(self, text: str, language: str, rate: float = 1.0) -> int:
        return self.timer.timed(self.engine.samples, text, language, rate)


class Engine:
    """Text to mono float32 samples at `sample_rate`, cached; safe to share between threads.

    A text longer than PIECE_CHARS is synthesised piece by piece (`speech_pieces`), with
    PIECE_GAP_S of silence between the pieces, so no single call to espeak-ng is unbounded and
    the sound of a long text can be produced a piece at a time.
    """

    def __init__(self, backend: _Backend, name: str) -> None:
        self.name = name
        self.sample_rate = backend.sample_rate
        self._backend = backend
        self._cache: OrderedDict[tuple[str, str, float], np.ndarray] = OrderedDict()
        self._cached_samples = 0
        self._lengths: OrderedDict[tuple[str, str, float], int] = OrderedDict()

    def __repr__(self) -> str:
        return f"Engine({self.name!r}, {self.sample_rate} Hz)"

    @property
    def gap_samples(self) -> int:
        """Samples of silence between two pieces of a long text."""
        return round(PIECE_GAP_S * self.sample_rate)

    def synthesize(self, text: str, language: str, rate: float = 1.0) -> np.ndarray:
        """Mono float32 samples in [-1, 1] for `text` spoken in `language` at `rate` times the
        voice's normal pace (rounded to RATE_STEP), leading and trailing silence trimmed, peak
        normalised to PEAK (per piece of a long text); read-only (the array is cached). Blank
        text -> empty array."""
        pieces = [self.synthesize_piece(piece, language, rate) for piece in speech_pieces(text)]
        if len(pieces) == 1:
            return pieces[0]
        gap = np.zeros(self.gap_samples, np.float32)
        heard = [piece for piece in pieces if piece.size]
        joined = [part for piece in heard for part in (gap, piece)][1:]
        audio = np.concatenate(joined) if joined else np.zeros(0, np.float32)
        audio.flags.writeable = False
        return audio

    def samples(self, text: str, language: str, rate: float = 1.0) -> int:
        """len(synthesize(text, language, rate)), without holding a long text's audio at once."""
        lengths = [self.piece_samples(piece, language, rate) for piece in speech_pieces(text)]
        heard = [length for length in lengths if length]
        return sum(heard) + self.gap_samples * max(len(heard) - 1, 0)

    def piece_samples(self, piece: str, language: str, rate: float = 1.0) -> int:
        """len(synthesize_piece(piece, language, rate)), remembered after the audio itself is forgotten."""
        key = (piece, language, quantize_rate(rate))
        with _LOCK:
            if (known := self._lengths.get(key)) is not None:
                self._lengths.move_to_end(key)
                return known
        return len(self.synthesize_piece(piece, language, rate))

    def synthesize_piece(self, text: str, language: str, rate: float = 1.0) -> np.ndarray:
        """`synthesize` for a text of at most PIECE_CHARS characters: split by script (each run in a
        voice that reads it), GAP_S between the runs, peak normalised, cached."""
        rate = quantize_rate(rate)
        key = (text, language, rate)
        with _LOCK:
            if (hit := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return hit
            gap = np.zeros(round(GAP_S * self.sample_rate), np.float32)
            pieces: list[np.ndarray] = []
            for run, voice in script_runs(_UNSAYABLE.sub("", text), language):
                piece = self.synthesize_voice(run, voice, rate)
                if piece.size:
                    pieces += [gap, piece] if pieces else [piece]
            audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
            if audio.size:
                audio *= PEAK / float(np.abs(audio).max())
            known = self._lengths.get(key)
            if known is not None and known != audio.size:
                # Synthesised again after its audio was forgotten, a text can come out a sample
                # or two longer or shorter (espeak-ng's noise source alternates between calls):
                # it keeps the length it was scheduled with.
                audio = np.pad(audio[:known], (0, max(known - audio.size, 0)))
            audio.flags.writeable = False
            self._remember(key, audio)
            return audio

    def _remember(self, key: tuple[str, str, float], audio: np.ndarray) -> None:
        """Cache `audio` (and its length), forgetting the least recently used audio past CACHE_SIZE
        entries or CACHE_SAMPLES samples."""
        self._cache[key] = audio
        self._cached_samples += audio.size
        while len(self._cache) > 1 and (len(self._cache) > CACHE_SIZE or self._cached_samples > CACHE_SAMPLES):
            _, old = self._cache.popitem(last=False)
            self._cached_samples -= old.size
        self._lengths[key] = audio.size
        self._lengths.move_to_end(key)
        if len(self._lengths) > 16 * CACHE_SIZE:
            self._lengths.popitem(last=False)

    def synthesize_voice(self, text: str, voice: str, rate: float = 1.0) -> np.ndarray:
        """`text` in the espeak voice named `voice` at `rate` (no script splitting, no normalising,
        no cache), silence trimmed. Raises SpeechEngineError if the voice does not exist."""
        text = _UNSAYABLE.sub("", text)
        text = text.translate(_UNSPOKEN[voice]) if voice in _UNSPOKEN else text
        if not text.strip():
            return np.zeros(0, np.float32)
        wpm = words_per_minute(voice, quantize_rate(rate))
        return _trim(self._backend.render(text.strip(), voice, wpm), self.sample_rate)

    def duration(self, text: str, language: str, rate: float = 1.0) -> float:
        """Seconds of `synthesize(text, language, rate)`."""
        return self.samples(text, language, rate) / self.sample_rate


def _load(source: str, library: str | None) -> Engine:
    """The engine of one source; SpeechEngineError with a short reason when it is unavailable."""
    if source == "package":
        try:
            import espeakng_loader
        except ImportError:
            raise SpeechEngineError("the espeakng-loader package is not installed") from None
        try:
            data = espeakng_loader.get_data_path()
        except RuntimeError as error:  # the data folder is missing
            raise SpeechEngineError(f"espeakng-loader is broken: {_one_line(error)}") from None
        steady = steady_data(data)
        lib = _library(espeakng_loader.get_library_path(), steady or data)
        if steady and lib.data.rstrip("/") == steady.rstrip("/"):
            lib.variant = STEADY_VARIANT
        return Engine(lib, f"espeak-ng {lib.version} (espeakng-loader)")
    if source == "system-library":
        path = library or ctypes.util.find_library("espeak-ng")
        if not path:
            raise SpeechEngineError("no system libespeak-ng was found")
        lib = _library(path, None)
        return Engine(lib, f"espeak-ng {lib.version} (system library {path})")
    if source == "system-command":
        program = shutil.which("espeak-ng")
        if not program:
            raise SpeechEngineError("no espeak-ng command is on PATH")
        return Engine(_Command(program), f"espeak-ng (system command {program})")
    raise ValueError(f"unknown speech engine source {source!r}; expected one of {', '.join(SOURCES)}")


def load_engine(sources: Sequence[str] = SOURCES, library: str | None = None) -> Engine:
    """The first engine that loads from `sources`, tried in order; `library` forces the shared object
    of the "system-library" source. Raises SpeechEngineError listing what was tried."""
    tried = []
    for source in sources:
        try:
            return _load(source, library)
        except SpeechEngineError as error:
            tried.append(f"{source}: {error}")
    found = "; ".join(tried) if tried else "no engine sources were given"
    raise SpeechEngineError(f"no speech engine: {found} ({FIX})")


_ENGINE: Engine | None = None


def engine() -> Engine:
    """The process-wide engine, loaded on first use. Raises SpeechEngineError if there is none."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = load_engine()
        return _ENGINE
