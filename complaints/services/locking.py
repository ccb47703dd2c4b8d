"""Helpers for services that lock a row and change the locked copy."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def refresh_from(stale: M, fresh: M) -> M:
    """Let the caller's instance see what the locked copy saved.

    A service locks a row by reading it again (`select_for_update`), changes and saves that copy;
    the instance its caller passed in would otherwise keep the values from before. Copies every
    concrete field's value (foreign keys by id: a related object cached on `stale` is dropped when
    its id changed, as Django does on assignment)."""
    for field in fresh._meta.concrete_fields:
        setattr(stale, field.attname, getattr(fresh, field.attname))
    return stale
