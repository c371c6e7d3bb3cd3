"""The descent's progress bar: tqdm's (``tqdm.auto``: a text bar on a terminal, a widget in a
notebook), with the loss (and, while streaming, the chunk) in its postfix.

Nothing is written when the stream is not a terminal (tqdm's ``disable=None``): in a log file or
a pipe the redraws (carriage returns) would fill it. tqdm is imported only when a bar is made, so
``import lagropt.optim`` and ``lagropt --help`` do not load it.
"""

from __future__ import annotations

import sys
import time

__all__ = ["ProgressBar", "bar"]

REDRAW = 0.1          # seconds between redraws (tqdm's mininterval)


def bar(total: int | None, label: str, stream=None, unit: str = "it"):
    """A tqdm bar of ``total`` steps named ``label`` on ``stream`` (default: stderr), disabled
    (silent) when the stream is not a terminal."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=label, file=stream if stream is not None else sys.stderr,
                disable=None, mininterval=REDRAW, unit=unit, dynamic_ncols=True)


class ProgressBar:
    """The descent's bar, ``descent:  42%|████▏     | 4200/10000 [00:01<00:02, 3412.50it/s,
    loss=0.001, chunk 3/40]``: :meth:`update` with the steps done and the current loss, at
    every step; the text is rebuilt at most every :data:`REDRAW` seconds (the loop stays
    fast), and :meth:`close` draws the last state."""

    def __init__(self, total: int, label: str = "descent", stream=None):
        self.bar = bar(max(int(total), 1), label, stream)
        self.detail = ""                   # e.g. "chunk 3/40" while streaming
        self.drawn = time.monotonic()

    @property
    def silent(self) -> bool:
        return bool(self.bar.disable)

    def update(self, done: int, loss: float, force: bool = False) -> None:
        """The bar at ``done`` steps with loss ``loss`` (redrawn when :data:`REDRAW` seconds
        have passed, or ``force``)."""
        if self.silent:
            return
        now = time.monotonic()
        if not force and now - self.drawn < REDRAW:
            return
        self.drawn = now
        self.bar.set_postfix_str(f"loss={loss:.4g}" + (f", {self.detail}" if self.detail
                                                        else ""), refresh=False)
        self.bar.update(done - self.bar.n)
        if force:
            self.bar.refresh()

    def close(self, done: int, loss: float) -> None:
        """The last state drawn, the bar left on its line."""
        if not self.silent:
            self.update(done, loss, force=True)
        self.bar.close()
