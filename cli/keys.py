"""`keys rotate`: sign with a new key; the old keys keep verifying."""

from __future__ import annotations

import argparse

from cli._run import Commands
from config import load_settings


def register(commands: Commands) -> None:
    keys = commands.add_parser("keys", help="Token signing keys.")
    key_actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = key_actions.add_parser("rotate", help="Sign with a new key; old keys keep verifying.")
    rotate.set_defaults(handler=_rotate)


def _rotate(args: argparse.Namespace) -> int:
    from auth.keys import rotate_keys

    ring = rotate_keys(load_settings().data_dir)
    print(f"signing with {ring.current_kid}; {len(ring.keys.keys)} key(s) published")
    print("Running servers pick the new key up on restart; they already accept its tokens.")
    return 0
