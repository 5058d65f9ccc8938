"""Shared column helpers for the domain models."""

from __future__ import annotations

from tortoise import fields


def created_at() -> fields.DatetimeField:
    return fields.DatetimeField(auto_now_add=True)


def updated_at() -> fields.DatetimeField:
    return fields.DatetimeField(auto_now=True)
