"""Sub-commands of this concern (registered by cli/__init__.py)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    return None
