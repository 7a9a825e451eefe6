"""Background jobs of the notifications app. Each takes JSON arguments and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import broadcasts, delivery


@shared_task(name="notifications.tasks.send_outbox_email")
def send_outbox_email(outbox_id: int) -> str:
    """Send one outbox row if still pending and due (a second run is a no-op)."""
    return delivery.outbox_send(outbox_id=outbox_id)


@shared_task(name="notifications.tasks.send_outbox_batch")
def send_outbox_batch(outbox_ids: list[int]) -> dict[str, int]:
    """Send the rows one ``notify()`` call created (one broker message, not one per recipient)."""
    outcome: dict[str, int] = {}
    for outbox_id in outbox_ids:
        status = delivery.outbox_send(outbox_id=outbox_id)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


@shared_task(name="notifications.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Periodic (every minute): send whatever is pending and due, recover abandoned rows."""
    return delivery.outbox_sweep()


@shared_task(name="notifications.tasks.send_digests")
def send_digests(frequency: str) -> int:
    """Periodic (daily / weekly): one digest email per person with waiting rows."""
    return delivery.digests_send(frequency=frequency)


@shared_task(name="notifications.tasks.expand_notification_broadcast")
def expand_notification_broadcast(broadcast_id: int) -> str:
    """Notify a broadcast's audience in chunks (resumes where a previous run stopped)."""
    return broadcasts.broadcast_run(broadcast_id=broadcast_id)


@shared_task(name="notifications.tasks.sweep_broadcasts")
def sweep_broadcasts() -> int:
    """Periodic (every minute): expand broadcasts the broker never got, recover abandoned ones."""
    return broadcasts.broadcasts_sweep()


# --- Webhooks -------------------------------------------------------------------------------


@shared_task(name="notifications.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    """Post one webhook delivery if pending and due (a second run is a no-op)."""
    from .webhooks.delivery import delivery_run

    return delivery_run(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.sweep_webhooks")
def sweep_webhooks() -> int:
    """Periodic (every minute): post what is due (retries, what the broker never got)."""
    from .webhooks.delivery import deliveries_sweep

    return deliveries_sweep()
