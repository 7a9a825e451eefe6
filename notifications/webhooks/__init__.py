"""Webhooks for partner systems (issue 14), following the Standard Webhooks specification.

This package holds the **pure** part: functions over values, no database, no network (the name
resolution in :mod:`.targets` goes through an injectable resolver), so each rule is tested on its
own. The models, services, selectors and tasks that store subscriptions and deliveries and send
them are built on top of these modules and call them; they hold no signing, address or retry
rule of their own.

- :mod:`.signing`: secrets (``whsec_`` + base64), the ``webhook-id`` / ``webhook-timestamp`` /
  ``webhook-signature`` headers signed with the ``standardwebhooks`` package (``v1,`` +
  base64 HMAC-SHA256 over ``id.timestamp.body``), several signatures at once while a secret is
  rotated, a ``verify`` wrapper over the library's verifier, and the from-scratch verification
  recipe a partner can follow (the README's), which the tests prove agrees with the library.
- :mod:`.targets`: whether a target URL may be called: ``https`` (``http`` only where the caller
  allows it), no credentials in the URL, and every address the host name resolves to public —
  never loopback, private, link-local, carrier-grade NAT, multicast, reserved, unspecified or a
  cloud metadata address. Run when a subscription is saved *and* at each delivery, which then
  connects to one of the vetted addresses (DNS rebinding).
- :mod:`.retries`: the specification's retry schedule (immediately, 5 s, 5 min, 30 min, 2 h,
  5 h, 10 h, 10 h), ``Retry-After`` honoured within bounds, what a response means (delivered,
  retry, endpoint gone), and the rule that disables an endpoint after days of failure.
"""
