"""Shared column helpers for the domain models."""

from __future__ import annotations

from datetime import datetime

from tortoise import fields


def created_at() -> fields.DatetimeField[datetime]:
    return fields.DatetimeField(auto_now_add=True)


def updated_at() -> fields.DatetimeField[datetime]:
    return fields.DatetimeField(auto_now=True)
