"""Pictures waiting for a recipe form's next submit.

A recipe form that comes back with an error (no title, a time out of range) cannot send the
chosen file back to the browser: a file field always comes back empty. So the picture, once
checked and re-encoded, is kept here for the same login, and the form carries a random key
to it (a hidden field); its next submit uses it unless another file is chosen. The key alone
finds nothing: it must come with the login that kept it (recipes/login_scoped.py), and what
the page sends is never a path or a file name.

A kept picture is gone once used, with its login, after KEEP_FOR, or when the same login
keeps more than KEEP_AT_MOST. No request objects here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import undefer

from ..database import write_intent
from ..extensions import db
from ..login_scoped import key_digest, login_id, login_id_query, make_room, new_key, well_formed
from ..models import PendingPicture, utcnow
from ..text_cleaning import clean_text
from .processing import ProcessedImage, Rendition
from .store import picture_columns

KEEP_FOR = timedelta(days=1)
KEEP_AT_MOST = 3  # per login: a few forms open at once
FILENAME_MAX = 255


@dataclass(frozen=True)
class KeptPicture:
    key: str
    filename: str  # as the browser named the chosen file ("" if it did not)
    image: ProcessedImage


def shown_name(filename: str) -> str:
    """The chosen file's own name, without any folders a browser sent along, cleaned."""
    name = PureWindowsPath(PurePosixPath(clean_text(filename or "")).name).name.strip()
    return name[:FILENAME_MAX]


def keep(login_token: str | None, image: ProcessedImage, filename: str, *, replacing: str = "") -> str | None:
    """Keep `image` for this login's next submit of the form; its key, or None when the
    login has ended. `replacing` names a picture kept before for the same form, which goes.
    In a short transaction of its own, which also clears pictures kept too long."""
    with write_intent():
        now = utcnow()
        owner = login_id(login_token)
        if owner is None:
            db.session.rollback()
            return None
        if replacing and well_formed(replacing):
            _delete_kept(owner, replacing)
        make_room(PendingPicture, owner, now, keep_for=KEEP_FOR, keep_at_most=KEEP_AT_MOST)
        key = new_key()
        db.session.add(
            PendingPicture(
                login_session_id=owner,
                key_hash=key_digest(key),
                filename=shown_name(filename),
                created_at=now,
                **picture_columns(image),
            )
        )
        db.session.commit()
    return key


def _mine(login_token: str | None, key: str) -> list[ColumnElement[bool]]:
    """The WHERE clause of "this login's kept picture with this key, not too old"."""
    return [
        PendingPicture.key_hash == key_digest(key),
        PendingPicture.login_session_id == login_id_query(login_token),
        PendingPicture.created_at >= utcnow() - KEEP_FOR,
    ]


def find(login_token: str | None, key: str) -> KeptPicture | None:
    """The picture this login kept under `key`, or None (unknown, someone else's, too old)."""
    if not well_formed(key):
        return None
    row = db.session.scalar(
        select(PendingPicture)
        .options(undefer(PendingPicture.full), undefer(PendingPicture.thumb))
        .where(*_mine(login_token, key))
    )
    if row is None:
        return None
    image = ProcessedImage(
        digest=row.digest,
        mime=row.mime,
        full=Rendition(row.full, row.width, row.height),
        thumb=Rendition(row.thumb, row.thumb_width, row.thumb_height),
    )
    return KeptPicture(key=key, filename=row.filename, image=image)


def thumbnail(login_token: str | None, key: str) -> tuple[bytes, str] | None:
    """The kept picture's thumbnail and its type, for the form's preview; None as `find`."""
    if not well_formed(key):
        return None
    row = db.session.execute(select(PendingPicture.thumb, PendingPicture.mime).where(*_mine(login_token, key))).first()
    return (bytes(row.thumb), row.mime) if row is not None else None


def _delete_kept(owner: int, key: str) -> None:
    db.session.execute(
        delete(PendingPicture).where(
            PendingPicture.key_hash == key_digest(key), PendingPicture.login_session_id == owner
        ),
        execution_options={"synchronize_session": False},
    )


def discard(login_token: str | None, key: str) -> None:
    """Let go of a kept picture (used, or not wanted after all), in its own short transaction."""
    if not well_formed(key):
        return
    with write_intent():
        owner = login_id(login_token)
        if owner is not None:
            _delete_kept(owner, key)
        db.session.commit()
