r"""Name each entry's download files safely, whatever its key holds.

A BibTeX key may hold almost anything Pandoc can cite: ``/``, ``:``, ``?``, a leading
``.``, letters of any script. A file name cannot: ``/`` and ``\`` make folders, ``..``
climbs out of them, a leading ``.`` hides the file, Windows refuses ``: * ? " < > |``,
control characters and the device names (``CON``, ``AUX``, ``COM1``...), and ``#`` or ``%``
break the link to the file. So a key that is plain (ASCII letters, digits, ``_``, ``-``
and inner dots, no device name) names its files as it stands, which keeps every existing
link; any other key gets an ASCII slug of itself, ``~`` and the start of its SHA-256.
No plain key holds ``~``, so the two kinds never meet; two keys that differ only in case
are one BibTeX key, which the loader keeps once, so names are unique even on a file system
that ignores case. The name depends on the key alone, so it is the same on every build.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Final

_PLAIN_RE: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
_UNSAFE_RE: Final = re.compile(r"[^A-Za-z0-9_-]+")
_WINDOWS_DEVICES: Final = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{port}{digit}" for port in ("com", "lpt") for digit in "123456789¹²³"}
)
_SLUG_LENGTH: Final = 60


def download_stem(key: str) -> str:
    """The file name, without extension, of the key's per-entry downloads."""
    if _is_plain(key):
        return key
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    slug = _UNSAFE_RE.sub("_", ascii_key)[:_SLUG_LENGTH].strip("_-") or "entry"
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slug}~{digest}"


def _is_plain(key: str) -> bool:
    return (
        _PLAIN_RE.fullmatch(key) is not None
        and ".." not in key
        and not key.endswith(".")
        and key.split(".", 1)[0].lower() not in _WINDOWS_DEVICES
    )
