"""Signed, expiring links for customers: no account, no token table, nothing guessable.

Each purpose has its own salt, so a token made for one page cannot open another.
"""

from django.core import signing

DEFAULT_MAX_AGE = 60 * 60 * 24 * 30  # 30 days


class LinkError(Exception):
    """The link is tampered with, meant for another page, or expired; the message says which."""


def make_link_token(*, purpose: str, value: int | str) -> str:
    return signing.TimestampSigner(salt=f"redress.{purpose}").sign(str(value))


def read_link_token(*, purpose: str, token: str, max_age: int = DEFAULT_MAX_AGE) -> str:
    signer = signing.TimestampSigner(salt=f"redress.{purpose}")
    try:
        return signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError("This link has expired.") from None
    except signing.BadSignature:
        raise LinkError("This link is not valid.") from None


def read_link_id(*, purpose: str, token: str, max_age: int = DEFAULT_MAX_AGE) -> int:
    """A row id carried by a link: a signed value that is not a positive whole number in the
    database's range is refused like a tampered link, never turned into an error page."""
    value = read_link_token(purpose=purpose, token=token, max_age=max_age)
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**63:
        raise LinkError("This link is not valid.")
    return int(value)
