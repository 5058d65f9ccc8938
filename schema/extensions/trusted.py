"""Trusted documents (auth/oauth/documents.py) on the full path: a request's `documentId`
becomes the text its client registered, and a trusted-documents-only client runs nothing else.

The check is on the text, whichever way it came (a `documentId`, or text identical to a
registered document), so it holds over HTTP and WebSocket alike. Runs before automatic
persisted queries (schema/extensions/persisted.py), which a trusted-only client may not use:
its hashes are anyone's registrations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from auth.oauth.documents import DOCUMENTS, DocumentIdError, parse_document_id, sha256_of
from auth.principal import Principal
from resolvers.core.problems import ProblemCode

DOCUMENT_ID = "documentId"


def _refusal(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


async def registered_text(client_id: str | None, document_id: Any) -> str:
    """The text a `documentId` names for this client; a GraphQLError with a code otherwise."""
    if not isinstance(document_id, str):
        raise _refusal("`documentId` must be a string `sha256:<hex>`.", ProblemCode.BAD_USER_INPUT)
    try:
        digest = parse_document_id(document_id)
    except DocumentIdError as error:
        raise _refusal(str(error), ProblemCode.BAD_USER_INPUT) from None
    body = await DOCUMENTS.body(client_id, digest)
    if body is None:
        raise _refusal(
            f"No document {document_id} is registered for this client: push it with "
            "`peoplegraph documents push --client ID FILE`.",
            ProblemCode.DOCUMENT_NOT_FOUND,
        )
    return body


async def check_trusted(principal: Principal | None, query: str | None, extensions: dict[str, Any]) -> None:
    """Refuse what a trusted-documents-only client may not run: free text, or an automatic
    persisted query."""
    if principal is None or not principal.trusted_documents_only:
        return
    client_id = principal.client_id
    registered = query is not None and await DOCUMENTS.body(client_id, sha256_of(query)) is not None
    if "persistedQuery" in extensions or not registered:
        raise _refusal(
            "This client runs only its registered documents: send `documentId` (sha256:<hex>) of a "
            "document pushed with `peoplegraph documents push`.",
            ProblemCode.DOCUMENT_NOT_TRUSTED,
        )


class TrustedDocuments(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        execution = self.execution_context
        principal = getattr(execution.context, "principal", None)
        client_id = principal.client_id if principal is not None else None
        extensions = execution.operation_extensions or {}
        if DOCUMENT_ID in extensions:
            if execution.query:
                raise _refusal("Send either `query` or `documentId`, not both.", ProblemCode.BAD_USER_INPUT)
            execution.query = await registered_text(client_id, extensions[DOCUMENT_ID])
        await check_trusted(principal, execution.query, extensions)
        yield
