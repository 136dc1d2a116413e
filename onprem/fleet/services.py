"""Verbs of the fleet domain."""

from __future__ import annotations


def ingest_health() -> dict:
    return {"ok": True, "detail": "not yet"}
