"""Fixtures for the webhook delivery tests: a local receiver, test-friendly target settings, a
partner organization with an administrator, and a fake DNS name."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from members.models import Organization, OrganizationMember, User
from tests.members.factories import OrganizationMemberFactory, UserFactory

from .factories import partner_for
from .receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A plain-HTTP receiver on 127.0.0.1 (needs ``local_targets``)."""
    with running_receiver() as running:
        yield running


@pytest.fixture
def local_targets(settings) -> None:
    """Let targets be ``http`` and loopback, as the receiver is (development settings)."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def production_targets(settings) -> None:
    """Targets as in production: ``https`` only, public addresses only."""
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@dataclass
class Partner:
    organization: Organization
    admin: User
    client: object


@pytest.fixture
def partner(db) -> Partner:
    """An organization with an administrator (English) and an active partner client."""
    membership = OrganizationMemberFactory(
        user=UserFactory(language="en"), role=OrganizationMember.Role.ADMIN
    )
    client = partner_for(membership.organization)
    return Partner(organization=membership.organization, admin=membership.user, client=client)


@dataclass
class FakeDns:
    """Host names the tests make up, and how often each was looked up."""

    names: dict[str, list[str]]
    lookups: dict[str, int]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeDns]:
    """``fake_dns({"hooks.example.test": ["127.0.0.1"]})``: ``socket.getaddrinfo`` answers those
    names with those addresses (everything else as usual) and counts the look-ups."""
    real = socket.getaddrinfo

    def install(names: dict[str, list[str]]) -> FakeDns:
        dns = FakeDns(names=names, lookups=dict.fromkeys(names, 0))

        def getaddrinfo(host, port, *args, **kwargs):
            key = host.decode() if isinstance(host, bytes) else host
            if key in dns.names:
                dns.lookups[key] += 1
                return [
                    (
                        socket.AF_INET6 if ":" in address else socket.AF_INET,
                        socket.SOCK_STREAM,
                        socket.IPPROTO_TCP,
                        "",
                        (address, port or 0),
                    )
                    for address in dns.names[key]
                ]
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return dns

    return install
