"""What the comment use cases need from the world. newsdesk.adapters implements each. Standard library
only at run time (the intake imports this module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from newsdesk.comments.values import CommentMessage, Publication, SenderClaim, SenderHistory

if TYPE_CHECKING:
    from newsdesk.comments.models import Comment, CommentPage, CommentStatus


class Publications(Protocol):
    def publication(self, article_id: str) -> Publication: ...


class SenderHistories(Protocol):
    """A sender's earlier comments, and an address's: the one flood and duplicate check, which the intake
    makes before queueing a comment and the worker makes again before storing it."""

    def sender_history(
        self,
        email_hash: str,
        *,
        article_id: str,
        body_hash: str,
        before: tuple[dt.datetime, str],
        ip_hash: str | None = None,
    ) -> SenderHistory:
        """What the sender's comments made before `before` (creation time, comment id) say; with
        `ip_hash`, `approved_before` counts only approved comments sent from that address."""
        ...

    def latest_from_address(self, ip_hash: str, since: dt.datetime) -> dt.datetime | None:
        """When the newest comment from the address since `since` was made, if there is one."""
        ...


class SenderGate(Protocol):
    """The atomic half of the flood and duplicate rules: a comment is queued only once its claim is
    granted, and of claims made at the same moment by one sender or from one address, one is. The stored
    history (SenderHistories) cannot give that: parallel posts all see the same history."""

    def claim(self, claim: SenderClaim) -> None:
        """Take the sender's and the address's flood slots and the words' slot, all or none:
        CommentFlood (with the seconds to wait) or DuplicateComment if one is taken."""
        ...

    def release(self, claim: SenderClaim) -> None:
        """Give the slots back (the comment could not be queued after all)."""
        ...


class CommentQueue(Protocol):
    def send(self, message: CommentMessage) -> None: ...


class Cipher(Protocol):
    """Encrypts a sender's email or IP address, bound to their comment."""

    def encrypt(self, plaintext: str, comment_id: str) -> bytes: ...
    def decrypt(self, ciphertext: bytes, comment_id: str) -> str: ...


class CommentStore(Protocol):
    """Stored comments; every write conditional (CommentNotFound, CommentChanged)."""

    def get(self, comment_id: str) -> Comment | None: ...
    def get_comments(self, ids: list[str]) -> list[Comment]: ...
    def list_by_status(self, status: CommentStatus, limit: int, cursor: str | None = None) -> CommentPage: ...
    def list_for_article(
        self, article_id: str, limit: int, cursor: str | None = None, status: CommentStatus | None = None
    ) -> CommentPage: ...
    def put_new(self, comment: Comment) -> bool: ...
    def save(self, comment: Comment, expected_version: int) -> None: ...
    def delete(self, comment_id: str, expected_version: int | None = None) -> None: ...


class PersonalDataRetention(Protocol):
    """Refused comments whose sender's personal data is due for removal (newsdesk.comments.retention)."""

    def due_for_removal(self, now: dt.datetime) -> Iterator[str]:
        """The ids of the comments whose personal data is due by `now`, oldest due first."""
        ...

    def remove_personal_data(self, comment_id: str, *, now: dt.datetime) -> bool:
        """Remove the sender's email and IP (ciphertexts, hashes, index keys) from the comment if it is
        still spam or rejected and still due by `now`; False if it is not (any more)."""
        ...
