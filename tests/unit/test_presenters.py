"""The presenter registry (schema/core/relay.py): which GraphQL type shows a model's rows."""

from __future__ import annotations

import pytest

import schema  # noqa: F401  (imports every type module, as serving does)
from resolvers.core.nodes import NODE_MODELS
from resolvers.training.compliance import Compliance
from schema.core.nodes import NODE_KINDS
from schema.core.relay import _PRESENTERS, present, presenter, presents, required
from schema.training.types import TrainingCompliance

# Types another domain's fields build from rows; webhooks are reached only from their own fields.
PRESENTED = [name for name in NODE_KINDS if not name.startswith("Webhook")]


def test_every_node_type_presents_its_model() -> None:
    assert NODE_KINDS.keys() == NODE_MODELS.keys()
    for name in PRESENTED:
        kind = NODE_KINDS[name]
        assert presenter(kind.model) == kind.type.from_row, name


def test_a_computed_report_is_presented_like_a_row() -> None:
    assert presenter(Compliance) == TrainingCompliance.from_row


def test_an_unregistered_class_is_a_clear_error() -> None:
    class Unshown:
        pass

    with pytest.raises(LookupError, match="No GraphQL type presents Unshown"):
        presenter(Unshown)


def test_present_builds_the_registered_type() -> None:
    class Row:
        pass

    @presents(Row)
    class Shown:
        def __init__(self, row: Row) -> None:
            self.row = row

        @classmethod
        def from_row(cls, row: Row) -> Shown:
            return cls(row)

    try:
        row = Row()
        shown = present(row)
        assert isinstance(shown, Shown) and shown.row is row
        with pytest.raises(AssertionError, match="presented twice"):
            presents(Row)(Shown)
    finally:
        del _PRESENTERS[Row]


def test_required_passes_a_row_and_refuses_none() -> None:
    assert required(3) == 3
    with pytest.raises(LookupError):
        required(None)
