"""`token`: mint an access token by hand, for an employee or a registered client."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cli._run import Commands, fail, run_with_db
from config import Settings


def register(commands: Commands) -> None:
    token = commands.add_parser("token", help="Mint an access token by hand (an operator's tool).")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--employee", metavar="EMAIL", help="A user token acting for this employee.")
    who.add_argument("--client-id", help="A service token for this registered client.")
    token.add_argument("--scopes", default="", help="Space-separated; default: all the client may have.")
    token.add_argument("--json", action="store_true")
    token.set_defaults(handler=_token)


def _token(args: argparse.Namespace) -> int:
    from authlib.oauth2 import OAuth2Error

    from auth.oauth.clients import ClientError, mint_token

    async def work(settings: Settings) -> Any:
        return await mint_token(
            settings, scopes=args.scopes, employee_email=args.employee, client_id=args.client_id
        )

    try:
        token = run_with_db(work)
    except (ClientError, OAuth2Error) as exc:
        return fail(getattr(exc, "description", None) or str(exc))
    if args.json:
        print(json.dumps(token))
    else:
        print(token["access_token"])
    return 0
