"""Writing output files without harming the user's own.

Every file lagropt writes (documents, PDFs, figures, reports) goes through here:

* it is written to a temporary file beside its target and renamed over it at the end, so that a
  reader never sees half a file and a failed run leaves nothing behind (:class:`Outputs`);
* an existing file is replaced only when lagropt wrote it (it carries lagropt's mark: a comment
  line in a .tex, ``/Creator (lagropt)`` in a PDF), when the new content is the same, or when
  the caller says ``force``.

Nothing here knows about LaTeX or the command line; the marks are given by the callers.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import LagroptError

__all__ = ["ClobberError", "Outputs", "written_by_lagropt", "refuse_to_clobber", "require_suffix"]

MARK_BYTES = 16384          # where a mark is looked for: this much at each end of a file


class ClobberError(LagroptError, FileExistsError):
    """An output would replace a file that lagropt did not write."""


def written_by_lagropt(path, mark: bytes) -> bool:
    """Whether the file at ``path`` carries ``mark`` near its start or its end."""
    try:
        with open(path, "rb") as f:
            head = f.read(MARK_BYTES)
            size = f.seek(0, os.SEEK_END)
            f.seek(max(size - MARK_BYTES, 0))
            tail = f.read()
    except OSError:
        return False
    return mark in head or mark in tail


def refuse_to_clobber(path, mark: bytes | None, force: bool = False, content: bytes | None = None):
    """Raise :class:`ClobberError` when writing ``path`` would replace a file lagropt did not
    write (one without ``mark``; a file whose content is ``content`` already may be replaced)."""
    path = Path(path)
    if force or not os.path.lexists(path):
        return
    if path.is_dir():
        raise ClobberError(f"cannot write {path}: it is a folder")
    if mark is not None and written_by_lagropt(path, mark):
        return
    if content is not None and path.is_file() and path.read_bytes() == content:
        return
    raise ClobberError(f"{path} exists and lagropt did not write it: not overwritten "
                       "(pass force=True, or --force on the command line, to replace it)")


def require_suffix(path, suffix: str, what: str) -> Path:
    """``path`` when its name ends in ``suffix`` (any case); a one-line error otherwise."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise LagroptError(f"{what} {path}: the file name must end in {suffix}")
    return path


class Outputs:
    """Files written together, all or none.

    ``outputs.temporary(target)`` gives a temporary file beside ``target`` to write to; leaving
    the ``with`` block renames every one of them over its target, or, after an exception,
    removes them all (and the folders the block created).

    Examples
    --------
    >>> with Outputs() as out:                                   # doctest: +SKIP
    ...     out.temporary("notes.tex").write_text(text)
    """

    def __init__(self):
        self.pending: list[tuple[Path, Path]] = []
        self.created: list[Path] = []

    def folder(self, path) -> Path:
        """Create ``path`` (and its parents) now, to be removed again if the block fails."""
        path = Path(path)
        missing = [p for p in [path, *path.parents] if not p.exists()]
        for p in reversed(missing):
            p.mkdir()
            self.created.append(p)
        return path

    def temporary(self, target) -> Path:
        """A new empty file beside ``target`` that becomes ``target`` when the block ends."""
        target = Path(target)
        self.folder(target.parent)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(fd)
        self.pending.append((Path(name), target))
        return Path(name)

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            for temporary, target in self.pending:
                os.chmod(temporary, 0o666 & ~_UMASK)        # as open() would have made it
                os.replace(temporary, target)
            return
        for temporary, _ in self.pending:
            temporary.unlink(missing_ok=True)
        for folder in reversed(self.created):
            try:
                folder.rmdir()
            except OSError:
                pass


def _umask() -> int:
    """The process's umask, read once at import (setting it to read it is not thread-safe)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()
