"""Reading mutation inputs: the fields a client sent, their global IDs decoded, and the version
fields of optimistic concurrency (checked in resolvers/core/versioning.py)."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.core.validation import Checks
from resolvers.core.versioning import camel


def given(input: object, *names: str) -> dict[str, Any]:
    """The fields the client sent (null included), by name; an omitted field is left out."""
    return {name: getattr(input, name) for name in names if getattr(input, name) is not strawberry.UNSET}


def decode_ids(checks: Checks, values: dict[str, Any], types: dict[str, str]) -> None:
    """Global IDs in `values` (name → type) to primary keys; null stays null (it clears)."""
    for name, type_name in types.items():
        if name in values:
            values[name] = checks.global_id(values[name], type_name, camel(name))


def version_field() -> Any:
    """An object's `version`, as every versioned type shows it."""
    return strawberry.field(description="Increases with every change; pass as `expectedVersion`.")


def expected_version_field() -> Any:
    """The optional `expectedVersion` of every mutation that changes a versioned object."""
    return strawberry.field(
        default=None,
        description="The version you last read; a stale one gets a CONFLICT error and changes nothing.",
    )
