"""Trusted documents: the operations a client registered ahead of time, by SHA-256.

A client's build pushes its generated operations (`peoplegraph documents push`); the client
then sends `{"documentId": "sha256:<hex>"}` instead of the text. A client marked
`trusted_documents_only` runs nothing else: the text of every operation it sends must be one
of its registered documents. Its tokens say so (a claim, auth/tokens.py), so no request looks
the mark up: a change by `peoplegraph client trust` holds for the tokens issued after it.
Documents never change (a new text is a new hash), so lookups are cached in the process.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from auth.oauth.clients import GRAPHIQL_CLIENT_ID, WEB_CLIENT_ID
from config import ROOT
from models.oauth import OAuthClient, TrustedDocument

PREFIX = "sha256:"
_HEX = re.compile(r"[0-9a-f]{64}")
MAX_CACHED_DOCUMENTS = 2_000


class DocumentIdError(ValueError):
    """A `documentId` that is not `sha256:` and 64 hexadecimal digits."""


def sha256_of(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def parse_document_id(document_id: str) -> str:
    """The hexadecimal digest a `documentId` names."""
    digest = document_id[len(PREFIX) :].lower() if document_id.startswith(PREFIX) else ""
    if not _HEX.fullmatch(digest):
        raise DocumentIdError("`documentId` must be `sha256:` followed by 64 hexadecimal digits.")
    return digest


@dataclass
class DocumentCache:
    _bodies: OrderedDict[tuple[str, str], str] = field(default_factory=OrderedDict)

    async def body(self, client_id: str | None, digest: str) -> str | None:
        """The text of a document the client registered, or None."""
        if client_id is None:
            return None
        key = (client_id, digest)
        if key in self._bodies:
            self._bodies.move_to_end(key)
            return self._bodies[key]
        row = await TrustedDocument.get_or_none(client_id=client_id, sha256=digest)
        if row is None:
            return None  # not cached: it may be pushed any moment
        self._bodies[key] = row.body
        while len(self._bodies) > MAX_CACHED_DOCUMENTS:
            self._bodies.popitem(last=False)
        return row.body

    def forget(self) -> None:
        self._bodies.clear()


# One per process; tests forget it between cases.
DOCUMENTS = DocumentCache()


class UnknownClient(LookupError):
    pass


async def push_documents(client_id: str, bodies: Mapping[str, str]) -> tuple[int, int]:
    """Register documents (digest -> text, digests checked by the caller) for an active client;
    returns how many were new and how many it had already."""
    if not await OAuthClient.filter(client_id=client_id, revoked_at=None).exists():
        raise UnknownClient(f"no active client {client_id}")
    stored = TrustedDocument.filter(client_id=client_id, sha256__in=list(bodies))
    known = {str(digest) for digest in await stored.values_list("sha256", flat=True)}
    added = 0
    for digest, body in bodies.items():
        if digest in known:
            continue
        try:
            await TrustedDocument.create(client_id=client_id, sha256=digest, body=body)
            added += 1
        except IntegrityError:  # pushed by another build at the same moment: it is there
            known.add(digest)
    return added, len(bodies) - added


async def set_trusted_documents_only(client_id: str, only: bool) -> bool:
    """Mark a client as running only its registered documents (or not); False: no such client.

    GraphiQL stays free: analysts type their own queries there."""
    if only and client_id == GRAPHIQL_CLIENT_ID:
        raise ValueError("GraphiQL runs the queries analysts type: it cannot be trusted-documents-only")
    changed = await OAuthClient.filter(client_id=client_id, revoked_at=None).update(
        trusted_documents_only=only
    )
    DOCUMENTS.forget()
    return bool(changed)


# The web app's operations (web/app/operations/*.graphql): each file is one trusted document,
# hashed as its text, exactly as web/app/build.mjs hashes it into the bundle.
WEB_OPERATIONS = ROOT / "web" / "app" / "operations"


async def ensure_web_documents() -> int:
    """Register the web app's operations as its client's trusted documents; returns how many were
    new. Idempotent, and additive: a server running an older build keeps the documents it sends."""
    bodies = {
        sha256_of(text): text for text in (p.read_text() for p in sorted(WEB_OPERATIONS.glob("*.graphql")))
    }
    added, _ = await push_documents(WEB_CLIENT_ID, bodies)
    if added:
        DOCUMENTS.forget()
    return added
