"""The signing key of the embedded default: random, made once per installation, kept under var/.

Production sets DJANGO_SECRET_KEY and never reaches this. Without it, with DJANGO_DEBUG on, the
key is read from `<REDRESS_VAR_DIR>/secret_key`, created on first use. A key written in the
repository would let anyone who reads it forge customer links to a reachable demo.
"""

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"


def embedded_secret_key(var_dir: Path) -> str:
    """The key in `var_dir`, made now if there is none. The web server, the worker, Beat and any
    `manage.py` command may start at the same moment: the key is written to a private temporary
    file and linked into place, so every process reads the same complete key."""
    path = var_dir / FILE_NAME
    key = _read(path)
    if key:
        return key
    var_dir.mkdir(parents=True, exist_ok=True)
    temporary = var_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(temporary, path)  # fails if another process linked its key first: use that one
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return _read(path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return ""
