"""Per-request dataloaders: the number of statements a query runs follows its shape.

Every loader is made fresh for each request (or each subscription event), so nothing is cached
across principals (but see the last paragraph). Three kinds:

- `ByIdLoader`: rows of one model by primary key (`employee.manager`, `task.assignee`, ...).
- `PageLoader`: one page of a nested connection for many parents in one windowed statement.
- `CountLoader`: the `totalCount` of a nested connection for many parents in one GROUP BY.

One exception to "fresh per request": a live event's context may pass `shared`, which hands out
by-id loaders that the subscriptions of one process share for that one event. It is for models
whose rows every reader of the type may see whole (directory data); the page and count loaders,
which filter by the viewer's policy, are never shared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q
from tortoise.models import Model

from resolvers.core.batching import BatchLoader
from resolvers.core.pagination import Page, PageArgs, SortKey, count_partitions, paginate_partitions

if TYPE_CHECKING:
    from auth.policy import Policy

MAX_BATCH = 500

# For a model, a by-id loader shared beyond this request, or None to use the request's own.
SharedById = Callable[[type[Model]], "BatchLoader[int, Any] | None"]

# A policy rule that narrows a list to what the viewer may see: `Policy.visible_tasks`, ...
Visibility = Callable[["Policy"], Q]


@dataclass(frozen=True)
class ChildList:
    """Which nested list to load: equal specs from sibling parents batch into one statement."""

    name: str
    model: type[Model]
    partition: str
    sort: SortKey
    args: PageArgs
    filters: tuple[tuple[str, Hashable], ...] = ()
    visibility: Visibility | None = None
    # Builds a Q from `filters` (as keyword arguments, tuples back to lists); plain lookups if None.
    filter_fn: Callable[..., Q] | None = None
    # For a list of link rows (team memberships): the row each one points to, loaded in the same
    # batch and set as `row.target`, so every edge's node is ready at once and the next level
    # batches as one (a node fetched through a shared cache would split it into waves).
    attach: tuple[str, type[Model]] | None = None

    def for_count(self) -> ChildList:
        return replace(self, args=PageArgs(), attach=None)

    def where(self) -> Q:
        kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in self.filters}
        return self.filter_fn(**kwargs) if self.filter_fn else Q(**kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class NestedList:
    """A named nested list (`TASKS_BY_ASSIGNEE`, ...): all of a `ChildList` but what a request asks.

    Each list is one constant in its domain's `reads.py`, so a search for its name or for the
    policy rule it filters by (`visibility=Policy.visible_tasks`) finds every use. `spec` adds the
    page, and the sort and filters where the field takes `orderBy:` and `filter:`.
    """

    name: str  # also the cursors' list key: renaming it invalidates the cursors handed out
    model: type[Model]
    partition: str
    sort: SortKey | None = None  # the fixed order of a list without `orderBy:`
    visibility: Visibility | None = None
    filter_fn: Callable[..., Q] | None = None
    filters: Mapping[str, object] | None = None  # fixed ones (`status: ENROLLED` for seats)
    attach: tuple[str, type[Model]] | None = None

    def on(self, partition: str) -> NestedList:
        """The same list partitioned by another column, named `<name>.<partition>` (`Task.by.team_id`)."""
        return replace(self, name=f"{self.name}.{partition}", partition=partition)

    def spec(
        self, args: PageArgs, *, sort: SortKey | None = None, filters: Mapping[str, object] | None = None
    ) -> ChildList:
        order = sort if sort is not None else self.sort
        if order is None:
            raise ValueError(f"{self.name} has no fixed order: pass the sort asked for")
        return ChildList(
            name=self.name,
            model=self.model,
            partition=self.partition,
            sort=order,
            args=args,
            filters=freeze({**(self.filters or {}), **(filters or {})}),
            visibility=self.visibility,
            filter_fn=self.filter_fn,
            attach=self.attach,
        )


def by_partition(*lists: NestedList) -> dict[str, NestedList]:
    """The lists of one model keyed by the column they partition on (for `tasks_of(partition)`)."""
    return {nested.partition: nested for nested in lists}


def freeze(kwargs: Mapping[str, object]) -> tuple[tuple[str, Hashable], ...]:
    """Filter arguments as a hashable, order-independent batch key (lists become tuples)."""
    items = ((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items() if v is not None)
    return tuple(sorted(items, key=lambda kv: kv[0]))


class Loaders:
    def __init__(
        self, policy: Callable[[], Awaitable[Policy]] | None = None, shared: SharedById | None = None
    ) -> None:
        self._policy = policy
        self._shared = shared
        self._by_id: dict[type[Model], BatchLoader[int, Any]] = {}
        self._computed: dict[Hashable, BatchLoader[int, Any]] = {}
        self._page: BatchLoader[tuple[int, ChildList], Page[Any]] | None = None
        self._count: BatchLoader[tuple[int, ChildList], int] | None = None

    @property
    def page(self) -> BatchLoader[tuple[int, ChildList], Page[Any]]:
        if self._page is None:  # made on first use: a live event's context often needs none
            self._page = BatchLoader(self._load_pages, max_batch_size=MAX_BATCH)
        return self._page

    @property
    def count(self) -> BatchLoader[tuple[int, ChildList], int]:
        if self._count is None:
            self._count = BatchLoader(self._load_counts, max_batch_size=MAX_BATCH)
        return self._count

    def compliance(self, within_days: int) -> BatchLoader[int, Any]:
        """Training compliance of many employees (one window) in two statements."""
        key = ("compliance", within_days)
        loader = self._computed.get(key)
        if loader is None:
            from resolvers.training.compliance import training_compliance_of

            async def load(ids: list[int]) -> list[Any]:
                found = await training_compliance_of(list(dict.fromkeys(ids)), within_days)
                return [found[i] for i in ids]

            loader = self._computed[key] = BatchLoader(load, max_batch_size=MAX_BATCH)
        return loader

    def computed(
        self, key: Hashable, load: Callable[[list[int]], Awaitable[list[Any]]]
    ) -> BatchLoader[int, Any]:
        """A per-request loader of values computed for many parents at once (named by `key`)."""
        loader = self._computed.get(key)
        if loader is None:
            loader = self._computed[key] = BatchLoader(load, max_batch_size=MAX_BATCH)
        return loader

    def by_id(self, model: type[Model]) -> BatchLoader[int, Any]:
        loader = self._by_id.get(model)
        if loader is None:
            shared = self._shared(model) if self._shared is not None else None
            loader = self._by_id[model] = shared if shared is not None else _by_id_loader(model)
        return loader

    async def _base_query(self, spec: ChildList) -> Any:
        qs = spec.model.filter(spec.where())
        if spec.visibility is not None:
            if self._policy is None:
                raise RuntimeError("a policy is needed to filter by visibility")
            policy = await self._policy()
            visible = spec.visibility(policy)
            qs = qs.filter(visible)
        return qs

    async def _load_pages(self, keys: list[tuple[int, ChildList]]) -> list[Page[Any]]:
        groups: dict[ChildList, list[int]] = defaultdict(list)
        for parent_id, spec in keys:
            groups[spec].append(parent_id)
        results: dict[tuple[int, ChildList], Page[Any]] = {}
        for spec, parent_ids in groups.items():
            qs = await self._base_query(spec)
            pages = await paginate_partitions(qs, spec.partition, parent_ids, spec.sort, spec.name, spec.args)
            if spec.attach is not None:
                await _attach_targets([row for page in pages.values() for row in page.rows], *spec.attach)
            for parent_id, page in pages.items():
                results[(parent_id, spec)] = page
        return [results[key] for key in keys]

    async def _load_counts(self, keys: list[tuple[int, ChildList]]) -> list[int]:
        groups: dict[ChildList, list[int]] = defaultdict(list)
        for parent_id, spec in keys:
            groups[spec].append(parent_id)
        results: dict[tuple[int, ChildList], int] = {}
        for spec, parent_ids in groups.items():
            qs = await self._base_query(spec)
            for parent_id, n in (await count_partitions(qs, spec.partition, parent_ids)).items():
                results[(parent_id, spec)] = n
        return [results[key] for key in keys]


def _by_id_loader(model: type[Model]) -> BatchLoader[int, Any]:
    async def load(ids: list[int]) -> list[Any]:
        rows = {row.pk: row for row in await model.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return BatchLoader(load, max_batch_size=MAX_BATCH)


async def _attach_targets(rows: list[Any], key: str, model: type[Model]) -> None:
    ids = {getattr(row, key) for row in rows}
    targets = {t.pk: t for t in await model.filter(id__in=list(ids))} if ids else {}
    for row in rows:
        row.target = targets[getattr(row, key)]
