"""`client create|list|trust|revoke`: the operator registers, lists, restricts and ends OAuth
clients."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cli._run import Commands, fail, run_with_db
from config import Settings


def register(commands: Commands) -> None:
    client = commands.add_parser("client", help="Register, list and revoke OAuth clients.")
    actions = client.add_subparsers(dest="client_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="Register a client; prints its id and (once) its secret.")
    create.add_argument("--name", required=True)
    create.add_argument("--grant", required=True, choices=["client_credentials", "authorization_code"])
    create.add_argument("--scopes", required=True, help='Space-separated, e.g. "employees:read tasks:read".')
    create.add_argument("--redirect-uri", action="append", default=[], dest="redirect_uris", metavar="URI")
    create.add_argument("--public", action="store_true", help="No secret (mobile and single-page apps).")
    create.add_argument("--first-party", action="store_true", help="Skip the consent page.")
    create.add_argument(
        "--resource-server", action="store_true", help="May introspect every client's tokens (RFC 7662)."
    )
    create.add_argument(
        "--trusted-documents-only",
        action="store_true",
        help="Run only documents registered with `documents push` (no free-text queries).",
    )
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=_create)

    trust = actions.add_parser(
        "trust", help="Set whether a client runs only its registered documents (`documents push`)."
    )
    trust.add_argument("client_id")
    choice = trust.add_mutually_exclusive_group(required=True)
    choice.add_argument("--trusted-documents-only", action="store_true", dest="only")
    choice.add_argument("--any-document", action="store_false", dest="only")
    trust.set_defaults(handler=_trust)

    listing = actions.add_parser("list", help="List registered clients.")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser(
        "revoke", help="End a client now: its tokens, refresh tokens, webhooks and open subscriptions."
    )
    revoke.add_argument("client_id")
    revoke.set_defaults(handler=_revoke)


def _create(args: argparse.Namespace) -> int:
    from auth.oauth.clients import ClientError, create_client
    from auth.oauth.documents import set_trusted_documents_only

    async def work(settings: Settings) -> Any:
        created = await create_client(
            name=args.name,
            grant=args.grant,
            scopes=args.scopes,
            redirect_uris=args.redirect_uris,
            public=args.public,
            first_party=args.first_party,
            resource_server=args.resource_server,
        )
        if args.trusted_documents_only:
            await set_trusted_documents_only(created.client_id, True)
        return created

    try:
        client = run_with_db(work)
    except ClientError as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(client.as_dict()))
        return 0
    print(f"client_id:     {client.client_id}")
    if client.client_secret:
        print(f"client_secret: {client.client_secret}")
        print("Store the secret now: it is not shown again.")
    return 0


def _trust(args: argparse.Namespace) -> int:
    from auth.oauth.documents import set_trusted_documents_only

    async def work(settings: Settings) -> bool:
        return await set_trusted_documents_only(args.client_id, args.only)

    try:
        found = run_with_db(work)
    except ValueError as error:
        return fail(str(error))
    if not found:
        return fail(f"no active client {args.client_id}")
    kind = "only its registered documents" if args.only else "any document"
    print(f"{args.client_id} now runs {kind} (for tokens issued from now on)")
    return 0


def _list(args: argparse.Namespace) -> int:
    from auth.oauth.clients import list_clients

    async def work(settings: Settings) -> Any:
        return await list_clients()

    rows = run_with_db(work)
    if args.json:
        print(json.dumps(rows))
        return 0
    for row in rows:
        named = ("public", "first_party", "resource_server", "trusted_documents_only", "revoked")
        flags = [f for f in named if row.get(f)]
        print(f"{row['client_id']}\t{row['name']}\t{','.join(row['grant_types'])}\t{' '.join(flags)}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from auth.oauth.clients import revoke_client
    from events.brokers import start_broker, stop_broker
    from resolvers.core import revocation

    async def work(settings: Settings) -> bool:
        # With REDIS_URL the revocation is published like any event, so every server closes the
        # client's open subscriptions at once; without it, servers see it at their next check.
        revocation.install()
        await start_broker(settings.redis_url, settings.database_url)
        try:
            return await revoke_client(args.client_id)
        finally:
            await stop_broker()

    if not run_with_db(work):
        return fail(f"no active client {args.client_id}")
    print(f"revoked {args.client_id}")
    return 0
