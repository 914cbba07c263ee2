"""Writing a file at a path the person chose: an export, a packet, a backup, a clean copy.

Every such write in the kit, from the command line and from the app, goes through
write_chosen_file(), so the rules hold everywhere: the file is written whole or not at all
(a temp file beside it, fsynced, then put in place), it is readable by its owner only
(0600, whatever the umask), and a file already at that path is never replaced unless the
person said so: --force on the command line, a yes to the app's question. A file that
appears between the check and the write is not replaced either (see create_atomic).
"""

from __future__ import annotations

from pathlib import Path

from kit.errors import BadInput, FileAlreadyExists, UsageError


def check_chosen_path(path: Path, *, overwrite: bool = False) -> Path:
    """The path, expanded, if a file can be written there; otherwise the reason, as a KitError.

    write_chosen_file() runs this itself; a command may also run it first, so the person
    hears about a taken name before typing a passphrase or waiting for a PDF."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name to write; nothing was written")
    if not path.parent.is_dir():
        raise BadInput(f"cannot write {path}: the folder {path.parent} does not exist; "
                       "nothing was written")
    if not overwrite and (path.exists() or path.is_symlink()):
        raise FileAlreadyExists(path)
    return path


def write_chosen_file(path: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write *data* to *path* (0600, atomically) and return its absolute path.

    Raises FileAlreadyExists if something is there and *overwrite* is false, another
    KitError for any other reason it cannot be written; either way nothing at *path* has
    changed."""
    from kit.atomic import create_atomic, write_atomic

    path = check_chosen_path(path, overwrite=overwrite)
    try:
        if overwrite:
            write_atomic(path, data)
        else:
            create_atomic(path, data)
    except FileExistsError:
        raise FileAlreadyExists(path) from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give a file name to write; nothing was "
                         "written") from None
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror or exc}; nothing was "
                       "written") from exc
    return path.resolve()
