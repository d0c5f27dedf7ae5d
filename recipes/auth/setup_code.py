"""The setup code that guards a fresh install's first account (which becomes the admin).

While there is no account, signing up needs a one-time code that only the server's
operator can read: it is printed in the log at start (`recipes bootstrap`) and kept in the
config directory (`setup_code`, mode 0600). Without it, whoever reached a fresh instance
first would own it, including any web page that reaches a LAN instance under its own name
(DNS rebinding). Once the first account exists the code is removed and sign-up is as
RECIPES_ALLOW_SIGNUP says. `recipes create-user` needs no code: whoever runs it already
controls the server.

The code is 12 characters from an alphabet without look-alikes (60 bits), shown in
groups of four; it is accepted in any case, with or without the dashes and spaces.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from ..atomic_files import write_atomically

FILENAME = "setup_code"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_GROUPS, _GROUP_LENGTH = 3, 4
_LENGTH = _GROUPS * _GROUP_LENGTH

# The field's own help says where the code is; the error only says what is wrong (the CLI's
# `recipes create-user` needs no code).
NEEDED = "That is not this server's setup code (or none was given)."


def code_path(config_dir: Path) -> Path:
    return config_dir / FILENAME


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in "- \t")


def _new_code() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    return "-".join(chars[i : i + _GROUP_LENGTH] for i in range(0, _LENGTH, _GROUP_LENGTH))


def _stored(path: Path) -> str | None:
    """The file's content, "" for a damaged one, None when there is no file."""
    try:
        text = path.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return ""
    normal = _normal(text)
    return text if len(normal) == _LENGTH and all(ch in _ALPHABET for ch in normal) else ""


def read(config_dir: Path) -> str | None:
    """The code kept in the config directory, or None (none yet, spent, or damaged)."""
    return _stored(code_path(config_dir)) or None


def ensure(config_dir: Path) -> tuple[str, bool]:
    """The code, made now if there is none (or the file is damaged): (code, made now).
    Several workers may race here; the first one's code is everyone's."""
    path = code_path(config_dir)
    stored = _stored(path)
    if stored:
        return stored, False
    if stored == "":
        path.unlink(missing_ok=True)  # damaged: make a new one
    made = write_atomically(path, (_new_code() + "\n").encode("ascii"))
    code = read(config_dir)
    if code is None:
        raise OSError(f"the setup code in {path} cannot be read back")
    return code, made


def matches(config_dir: Path, given: str) -> bool:
    """Whether `given` is the current code (False when there is none)."""
    code = read(config_dir)
    return code is not None and hmac.compare_digest(_normal(code).encode(), _normal(given).encode())


def discard(config_dir: Path) -> None:
    """Spend the code: the first account exists."""
    code_path(config_dir).unlink(missing_ok=True)


def announcement(code: str, config_dir: Path, address: str) -> str:
    """The log line that tells the operator what to do; `address` is the server's."""
    return (
        f"no account yet: open {address}/auth/register to create the first one (it becomes the admin), "
        f"with the setup code {code} (also in {code_path(config_dir)})"
    )
