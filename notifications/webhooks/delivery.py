"""Posting webhook deliveries (owned by the delivery engine; see the module's functions)."""

from __future__ import annotations


def delivery_run(*, delivery_id: int) -> str:
    raise NotImplementedError("written by the webhook delivery engine")


def deliveries_sweep() -> int:
    raise NotImplementedError("written by the webhook delivery engine")
