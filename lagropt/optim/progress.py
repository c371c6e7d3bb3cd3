"""A tqdm-style progress bar on stderr, redrawn at most ten times a second, and only on a
terminal: written to a log file or a pipe, its redraws (carriage returns) would fill it, so
there it writes nothing (as tqdm with ``disable=None``). lagropt keeps this one small class
rather than depend on tqdm for it."""

from __future__ import annotations

import sys
import time

__all__ = ["ProgressBar", "is_terminal"]


def is_terminal(stream) -> bool:
    """Whether ``stream`` is an interactive terminal (a log file, a pipe or a buffer is not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):          # no isatty, or a closed stream
        return False


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class ProgressBar:
    """A bar like ``descent  42%|████▏   | 4200/10000 [00:01<00:02, 3412.5 it/s, loss=0.001]``."""

    def __init__(self, total: int, label: str = "descent", stream=None, width: int = 20):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.started = time.perf_counter()
        self.drawn = 0.0
        self.detail = ""                   # e.g. "chunk 3/40" while streaming
        self.silent = not is_terminal(self.stream)

    def update(self, done: int, loss: float, force: bool = False) -> None:
        now = time.perf_counter()
        if self.silent or not force and now - self.drawn < 0.1:
            return
        self.drawn = now
        elapsed = now - self.started
        frac = min(done / self.total, 1.0)
        full, part = divmod(int(frac * self.width * 8), 8)
        bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if full < self.width else "")
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else 0.0
        self.stream.write(f"\r{self.label} {frac:4.0%}|{bar:<{self.width}}| {done}/{self.total} "
                          f"[{_clock(elapsed)}<{_clock(left)}, {rate:.1f} it/s, loss={loss:.4g}"
                          + (f", {self.detail}" if self.detail else "") + "]")
        self.stream.flush()

    def close(self, done: int, loss: float) -> None:
        if self.silent:
            return
        self.update(done, loss, force=True)
        self.stream.write("\n")
        self.stream.flush()
