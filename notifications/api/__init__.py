"""The notifications app's API: webhook endpoints for partner systems (``/api/v1/webhooks/``)."""
