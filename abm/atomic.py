"""Output folders that appear whole or not at all.

Both a run folder and a landscape bundle are written into a hidden temporary folder beside the
target and renamed into place at the end. :func:`check_new_folder` is called before any work
starts, so bad output options fail early and write nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from abm.errors import InputError

_ALLOWED = "a new or empty folder under a writable folder"


def check_new_folder(out: str | os.PathLike, option: str = "--out",
                     replaceable: frozenset[str] = frozenset()) -> Path:
    """Check that ``out`` can be written as a new folder; return it absolute.

    Parameters
    ----------
    out : path
        The target folder.
    option : str
        The command-line option that named it, for the error message.
    replaceable : frozenset of str
        File names an existing folder may hold and still be replaced (a previous bundle).

    Raises
    ------
    InputError
        When ``out`` is a file, a folder holding anything else, or cannot be created. The check
        creates and removes one probe folder in the nearest existing parent.
    """
    out = Path(out).absolute()
    if out.exists():
        if not out.is_dir():
            raise InputError(str(out), option, "the output path is a file", allowed=_ALLOWED)
        extra = [p.name for p in out.iterdir() if p.name not in replaceable]
        if extra:
            raise InputError(str(out), option,
                             f"the output folder exists and is not empty (holds {extra[0]})",
                             allowed=_ALLOWED)
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    try:
        probe = tempfile.mkdtemp(prefix=".ruimte-probe-", dir=parent)
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(str(out), option, f"cannot create the output folder ({parent}: "
                         f"{exc.strerror or exc})", allowed=_ALLOWED) from None
    return out


@contextmanager
def atomic_folder(out: Path, option: str = "--out",
                  replaceable: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``out`` when the block ends without error.

    On any error the temporary folder, and every parent folder this call created, are removed;
    an ``OSError`` becomes an :class:`InputError` naming ``out``.
    """
    out = check_new_folder(out, option, replaceable)
    missing = []
    parent = out.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
        yield tmp
        if out.exists():
            shutil.rmtree(out)  # empty, or only replaceable files (checked above)
        os.replace(tmp, out)
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in missing:
            try:
                folder.rmdir()
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise InputError(str(out), option, f"cannot be written ({exc.strerror or exc})",
                             allowed=_ALLOWED) from None
        raise


@contextmanager
def atomic_file(out: str | os.PathLike, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary path beside ``out`` that becomes ``out`` when the block ends without
    error (removed otherwise); an ``OSError`` becomes an :class:`InputError` naming ``out``."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(str(out), option, f"cannot be written ({exc.strerror or exc})",
                             allowed="a writable file path") from None
        raise
