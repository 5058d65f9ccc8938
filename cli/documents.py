"""`documents push --client ID FILE...`: register a client's trusted documents from its build.

A FILE is either GraphQL (`.graphql`, `.gql`: one document, one or more operations, hashed as
the file's text) or a JSON manifest of generated operations: GraphQL Code Generator's
persisted documents (`{"sha256:<hex>" or "<hex>": "query ..."}`) or Apollo's persisted query
manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}`).
Every document must parse and validate against this server's schema and match its hash, or
nothing is pushed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cli._run import Commands, fail, run_with_db
from config import Settings


class DocumentError(ValueError):
    """A file the operator should fix; nothing was pushed."""


def register(commands: Commands) -> None:
    documents = commands.add_parser("documents", help="Trusted documents: a client's registered operations.")
    actions = documents.add_subparsers(dest="documents_command", required=True, metavar="ACTION")
    push = actions.add_parser("push", help="Register documents for a client (idempotent).")
    push.add_argument(
        "--client", required=True, dest="client_id", metavar="ID", help="The OAuth client's id."
    )
    push.add_argument("files", nargs="+", metavar="FILE", help=".graphql files or JSON manifests.")
    push.set_defaults(handler=_push)


def _manifest(path: Path, raw: Any) -> dict[str, str]:
    """The documents of a JSON manifest, by the digest its ids name."""
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        entries = [(op.get("id"), op.get("body")) for op in raw.get("operations", []) if isinstance(op, dict)]
    elif isinstance(raw, dict):
        entries = list(raw.items())
    else:
        raise DocumentError(f"{path}: a manifest is a JSON object of id -> document")
    found: dict[str, str] = {}
    for key, body in entries:
        if not isinstance(key, str) or not isinstance(body, str):
            raise DocumentError(f"{path}: every entry needs a string id and a string document")
        digest = key.removeprefix("sha256:").lower()
        found[digest] = body
    return found


def read_documents(paths: list[Path]) -> dict[str, tuple[str, str]]:
    """digest -> (document, where it came from), checked against its hash and the schema."""
    from graphql import parse, validate
    from graphql.error import GraphQLSyntaxError

    from auth.oauth.documents import sha256_of
    from schema import schema

    documents: dict[str, tuple[str, str]] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DocumentError(f"{path}: {error}") from None
        if path.suffix.lower() == ".json":
            try:
                found = _manifest(path, json.loads(text))
            except json.JSONDecodeError as error:
                raise DocumentError(f"{path}: not JSON ({error.msg})") from None
        else:
            found = {sha256_of(text): text}
        for digest, body in found.items():
            where = f"{path} ({digest[:12]}…)" if path.suffix.lower() == ".json" else str(path)
            if sha256_of(body) != digest:
                raise DocumentError(f"{where}: the id is not the SHA-256 of its document")
            try:
                problems = validate(schema._schema, parse(body))
            except GraphQLSyntaxError as error:
                raise DocumentError(f"{where}: {error.message}") from None
            if problems:
                raise DocumentError(f"{where}: {problems[0].message}")
            documents[digest] = (body, where)
    return documents


def _push(args: argparse.Namespace) -> int:
    from auth.oauth.documents import UnknownClient, push_documents

    try:
        documents = read_documents([Path(name) for name in args.files])
    except DocumentError as error:
        return fail(str(error))

    async def work(settings: Settings) -> tuple[int, int]:
        return await push_documents(args.client_id, {d: body for d, (body, _) in documents.items()})

    try:
        added, known = run_with_db(work)
    except UnknownClient as error:
        return fail(str(error))
    for digest, (_, where) in documents.items():
        print(f"sha256:{digest}\t{where}")
    print(f"{added} registered, {known} already known, for client {args.client_id}")
    return 0
