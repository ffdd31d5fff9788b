"""The session's golden report: ``.golden-failures/report.html`` with every failure's images (or
transcripts) side by side and, when a backend other than the reference ran, the parity table;
and the parity lines of the terminal summary."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hud import golden_speech
from hud.files import write_text
from hud.golden.artefacts import ARTEFACT_KINDS, failures_folder
from hud.golden.compare import Difference, percent
from hud.golden.png import png_size
from hud.golden.state import GoldenFailure, GoldenState, ParityRecord
from hud.golden.tolerance import PARITY_MAX_SHARE, REFERENCE_BACKEND, Tolerance

_REPORT_MIN_WIDTH = 240

_REPORT_CSS = """
body { background: #111; color: #ddd; font-family: system-ui, sans-serif; margin: 1.5rem; }
h1 { font-size: 1.3rem; }
section { border-top: 1px solid #333; padding: 1rem 0; }
h2 { font-size: 1rem; font-family: ui-monospace, monospace; word-break: break-all; }
pre { white-space: pre-wrap; background: #1b1b1b; color: #f0a0a0; padding: 0.6rem; }
.images { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure { margin: 0; }
figcaption { color: #999; font-size: 0.85rem; margin-bottom: 0.3rem; }
img { image-rendering: pixelated; background: #000; border: 1px solid #444; display: block; }
.none { color: #777; font-style: italic; }
"""

_TRANSCRIPT_CSS = """
table.transcript { border-collapse: collapse; font-size: 0.85rem; }
.transcript th, .transcript td { border: 1px solid #333; padding: 0.2rem 0.4rem; text-align: left; }
.transcript td { vertical-align: top; }
.transcript th { color: #999; font-weight: normal; }
.transcript td.time { font-family: ui-monospace, monospace; white-space: nowrap; }
.transcript td.differs { background: #4a1d1d; color: #fff; }
.transcript td.gone { color: #777; font-style: italic; }
.transcript small { color: #999; display: block; }
.transcript td.differs small { color: #ddd; }
.files a { color: #9cf; }
"""

_PARITY_CSS = """
table.parity { border-collapse: collapse; font-size: 0.85rem; }
.parity th, .parity td { border: 1px solid #333; padding: 0.2rem 0.5rem; text-align: left; }
.parity th { color: #999; font-weight: normal; }
.parity td.number { text-align: right; font-family: ui-monospace, monospace; }
.parity tr.failed td { background: #4a1d1d; color: #fff; }
.parity tr.own td { color: #e8d08a; }
"""


@dataclass(frozen=True)
class ParityRow:
    """One check on one backend, its eyes taken together: the largest channel difference of any
    eye and the largest share of differing pixels of any eye, against the reference golden."""

    name: str
    backend: str
    reference: Difference | None
    """None when no eye had a reference golden of the same size to compare with."""
    held_to: str
    """The golden folder the check was held to: the reference's, or the backend's own."""
    passed: bool

    @property
    def status(self) -> str:
        """``failed``, ``<backend> golden``, ``no cpu golden``, ``identical`` or ``within tolerance``."""
        if not self.passed:
            return "failed"
        if self.held_to != REFERENCE_BACKEND:
            return f"{self.held_to} golden"
        if self.reference is None:
            return f"no {REFERENCE_BACKEND} golden"
        return "identical" if self.reference.identical else "within tolerance"

    def numbers(self) -> str:
        """E.g. ``largest difference 2, 0.21% of pixels differ``, or why there are none."""
        if self.reference is None:
            return f"no {REFERENCE_BACKEND} golden to compare with"
        return self.reference.summary()


def parity_rows(state: GoldenState) -> list[ParityRow]:
    """One row per check name and backend, by name, backends in the session's order."""
    groups: dict[tuple[str, str], list[ParityRecord]] = {}
    for record in state.parity:
        groups.setdefault((record.name, record.backend), []).append(record)
    order = {backend: index for index, backend in enumerate(state.backends)}
    rows = [_row(name, backend, records) for (name, backend), records in groups.items()]
    return sorted(rows, key=lambda row: (row.name, order.get(row.backend, len(order)), row.backend))


def _row(name: str, backend: str, records: list[ParityRecord]) -> ParityRow:
    measured = [record.reference for record in records if record.reference is not None]
    reference = None
    if measured:
        worst = max(measured, key=lambda found: found.share)
        reference = Difference(max(found.max_difference for found in measured), worst.differing, worst.total)
    held_to = next((record.golden for record in records if record.golden != REFERENCE_BACKEND), REFERENCE_BACKEND)
    return ParityRow(name, backend, reference, held_to, all(record.passed for record in records))


def has_parity(state: GoldenState) -> bool:
    """Whether a backend other than the reference ran golden checks this session."""
    return any(record.backend != REFERENCE_BACKEND for record in state.parity)


def parity_tolerance(state: GoldenState) -> Tolerance:
    """The tolerance backends other than the reference are held to in this session."""
    return Tolerance(state.gpu_tolerance, PARITY_MAX_SHARE)


def summary_lines(state: GoldenState, verbose: bool) -> list[str]:
    """The terminal summary's parity lines: per backend other than the reference, its counts and
    every check that is not identical to the reference golden (``verbose``: every check of every
    backend)."""
    rows = parity_rows(state)
    lines = [f"tolerance off {REFERENCE_BACKEND}: {parity_tolerance(state)}; {REFERENCE_BACKEND} is exact"]
    for backend in dict.fromkeys(row.backend for row in rows):
        if backend == REFERENCE_BACKEND and not verbose:
            continue
        mine = [row for row in rows if row.backend == backend]
        counts: dict[str, int] = {}
        for row in mine:
            counts[row.status] = counts.get(row.status, 0) + 1
        tally = ", ".join(f"{count} {status}" for status, count in counts.items())
        lines.append(f"{backend}: {len(mine)} check(s): {tally}")
        shown = mine if verbose else [row for row in mine if row.status != "identical"]
        width = max((len(row.name) for row in shown), default=0)
        for row in shown:
            note = "" if row.status in ("identical", "within tolerance") else f" [{row.status}]"
            if _not_needed(row, parity_tolerance(state)):
                note = f" [{row.status}, no longer needed: pytest --update-goldens removes it]"
            lines.append(f"  {row.name:<{width}}  {row.numbers()}{note}")
    return lines


def _not_needed(row: ParityRow, tolerance: Tolerance) -> bool:
    """Whether a check held to its backend's own golden is within tolerance of the reference."""
    found = row.reference
    return (
        row.held_to != REFERENCE_BACKEND
        and found is not None
        and tolerance.allows(found.max_difference, found.differing, found.total)
    )


def write_report(state: GoldenState) -> Path:
    """Write ``report.html``: the parity table (when a backend other than the reference ran) and
    every failure with its images side by side."""
    sections = "\n".join(_report_section(state, failure) for failure in state.failures)
    count = len(state.failures)
    css = _REPORT_CSS
    if any(failure.transcript is not None for failure in state.failures):
        css += _TRANSCRIPT_CSS
    parity = ""
    if has_parity(state):
        css += _PARITY_CSS
        parity = _parity_section(state)
    heading = f"{count} golden comparison(s) failed" if count else "Every golden comparison passed"
    document = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Golden report: {count} failure(s)</title>\n<style>{css}</style>\n"
        f"</head>\n<body>\n<h1>{heading}</h1>\n{parity}"
        f"{sections}\n</body>\n</html>\n"
    )
    failures_folder(state.failures_dir)
    path = state.report_path
    write_text(path, document)
    return path


def _parity_section(state: GoldenState) -> str:
    """The table of every check on every backend against the reference golden."""
    rows = []
    for row in parity_rows(state):
        kind = "failed" if not row.passed else ("own" if row.held_to != REFERENCE_BACKEND else None)
        opening = f'<tr class="{kind}">' if kind else "<tr>"
        if row.reference is None:
            largest, share = "–", "–"
        else:
            largest = str(row.reference.max_difference)
            share = f"{percent(row.reference.differing, row.reference.total)} ({row.reference.differing})"
        rows.append(
            f"{opening}<td>{html.escape(row.name)}</td><td>{html.escape(row.backend)}</td>"
            f'<td class="number">{largest}</td><td class="number">{share}</td>'
            f"<td>{html.escape(row.held_to)}</td><td>{html.escape(row.status)}</td></tr>"
        )
    tolerance = html.escape(str(parity_tolerance(state)))
    return (
        f"<section>\n<h2>Parity with the {REFERENCE_BACKEND} goldens</h2>\n"
        f"<p>Each check on each backend against its {REFERENCE_BACKEND} golden (the worst eye). "
        f"{REFERENCE_BACKEND} is held to it exactly, other backends within {tolerance}; where exact "
        "parity cannot be had a backend keeps its own golden.</p>\n"
        '<table class="parity">\n<thead><tr><th>check</th><th>backend</th><th>largest channel difference</th>'
        "<th>pixels differing</th><th>held to</th><th>result</th></tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</section>\n"
    )


def _report_section(state: GoldenState, failure: GoldenFailure) -> str:
    if failure.transcript is not None:
        return _transcript_section(state, failure, failure.transcript)
    figures = "\n".join(_report_figure(state, kind, failure.artefacts.get(kind)) for kind in ARTEFACT_KINDS)
    title = html.escape(f"{failure.nodeid} — {failure.name} ({failure.eye}, {failure.backend})")
    return (
        f"<section>\n<h2>{title}</h2>\n<pre>{html.escape(failure.message)}</pre>\n"
        f'<div class="images">\n{figures}\n</div>\n</section>'
    )


def _transcript_section(state: GoldenState, failure: GoldenFailure, mismatch: golden_speech.TranscriptMismatch) -> str:
    """A speech failure: its message, links to the transcripts, and the golden and actual
    utterances side by side, one row per utterance, differing cells marked."""
    title = html.escape(f"{failure.nodeid} — {failure.name} ({failure.eye}, {failure.backend})")
    links = " · ".join(
        f'<a href="{quote(path.relative_to(state.failures_dir).as_posix())}">{kind}</a>'
        for kind, path in failure.artefacts.items()
    )
    heads = "".join(f"<th>{column}</th>" for column in golden_speech.COLUMNS)
    rows = "\n".join(
        f"<tr><td>{number}</td>{_transcript_cells(old, differs)}{_transcript_cells(new, differs)}</tr>"
        for number, (old, new, differs) in enumerate(mismatch.rows(), 1)
    )
    width = len(golden_speech.COLUMNS)
    return (
        f"<section>\n<h2>{title}</h2>\n<pre>{html.escape(failure.message)}</pre>\n"
        f'<p class="files">{links}</p>\n<table class="transcript">\n'
        f'<thead><tr><th rowspan="2">#</th><th colspan="{width}">golden</th><th colspan="{width}">actual</th></tr>\n'
        f"<tr>{heads}{heads}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n</section>"
    )


def _transcript_cells(utterance: dict[str, Any] | None, differs: set[str]) -> str:
    """One side of a transcript row: time, status (and why), priority, earcon, text (language,
    rate and skipped words under it)."""
    if utterance is None:
        return f'<td class="gone" colspan="{len(golden_speech.COLUMNS)}">(none)</td>'
    status = html.escape(str(utterance.get("status")))
    if utterance.get("reason"):
        status += f"<small>{html.escape(str(utterance['reason']))}</small>"
    notes = [str(utterance.get("language"))]
    if utterance.get("rate") is not None:
        notes.append(f"rate {utterance['rate']:g}")
    skipped = utterance.get("skipped")
    if skipped is not None:
        notes.append(f"skipped: {skipped.get('text') if isinstance(skipped, dict) else skipped}")
    text = html.escape(str(utterance.get("text"))) + f"<small>{html.escape(', '.join(notes))}</small>"
    cells = {
        "time": html.escape(golden_speech.time_span(utterance)),
        "status": status,
        "priority": html.escape(str(utterance.get("priority"))),
        "earcon": html.escape(str(utterance.get("earcon") or "-")),
        "text": text,
    }
    return "".join(
        f'<td class="{column}{" differs" if column in differs else ""}">{cells[column]}</td>'
        for column in golden_speech.COLUMNS
    )


def _report_figure(state: GoldenState, kind: str, path: Path | None) -> str:
    if path is None or not path.is_file():
        if kind == "isolated":
            return ""
        return f'<figure><figcaption>{kind}</figcaption><p class="none">(none)</p></figure>'
    source = quote(path.relative_to(state.failures_dir).as_posix())
    width, height = png_size(path)
    scale = max(1, -(-_REPORT_MIN_WIDTH // width))  # ceil: small panels are enlarged
    return (
        f"<figure><figcaption>{kind}</figcaption>"
        f'<img src="{source}" alt="{kind}" width="{width * scale}" '
        f'height="{height * scale}"></figure>'
    )
