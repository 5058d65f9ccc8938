"""Aggregate rules: who sees the exact numbers of small groups."""

from __future__ import annotations

from auth.rules.base import PolicyBase


class StatsRules(PolicyBase):
    def sees_exact_aggregates(self) -> bool:
        """HR and admins see every group, however small; everyone else (service tokens too, since
        they may pass numbers on to anyone) sees only groups of at least the privacy floor."""
        return self.is_hr
