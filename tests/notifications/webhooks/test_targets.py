"""Webhook target checks (notifications.webhooks.targets): pure, the resolver injected."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import pytest

from notifications.webhooks.targets import (
    Code,
    TargetRefused,
    VettedTarget,
    address_refusal,
    check_address,
    parse_target,
    vet_target,
)

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:4700:4700::1111"


def resolver(*addresses: str, calls: list[str] | None = None):
    def resolve(host: str, port: int) -> Iterable[str]:
        if calls is not None:
            calls.append(f"{host}:{port}")
        return list(addresses)

    return resolve


def no_dns(host: str, port: int) -> Iterable[str]:
    raise AssertionError(f"{host} must not be resolved")


def vet(url: str, *resolved: str, allow_http: bool = False, allow_private: bool = False):
    return vet_target(
        url,
        allow_http=allow_http,
        allow_private=allow_private,
        resolve=resolver(*resolved) if resolved else no_dns,
    )


# --- Addresses, table-driven --------------------------------------------------------------

REFUSED = [
    ("127.0.0.1", Code.LOOPBACK),
    ("127.255.255.254", Code.LOOPBACK),
    ("::1", Code.LOOPBACK),
    ("0.0.0.0", Code.UNSPECIFIED),  # noqa: S104
    ("::", Code.UNSPECIFIED),
    ("10.1.2.3", Code.PRIVATE),
    ("172.16.0.1", Code.PRIVATE),
    ("172.31.255.255", Code.PRIVATE),
    ("192.168.1.10", Code.PRIVATE),
    ("fd12:3456::1", Code.PRIVATE),
    ("fc00::1", Code.PRIVATE),
    ("169.254.1.1", Code.LINK_LOCAL),
    ("fe80::1", Code.LINK_LOCAL),
    ("fe80::1%eth0", Code.LINK_LOCAL),
    ("224.0.0.1", Code.MULTICAST),
    ("239.255.255.250", Code.MULTICAST),
    ("ff02::1", Code.MULTICAST),
    ("ff0e::1", Code.MULTICAST),
    ("100.64.0.1", Code.CARRIER_GRADE_NAT),
    ("100.127.255.254", Code.CARRIER_GRADE_NAT),
    ("240.0.0.1", Code.RESERVED),
    ("255.255.255.255", Code.RESERVED),
    ("192.0.2.1", Code.PRIVATE),  # documentation (TEST-NET-1)
    ("198.18.0.1", Code.PRIVATE),  # benchmarking
    ("2001:db8::1", Code.PRIVATE),  # documentation
    ("169.254.169.254", Code.METADATA),
    ("169.254.170.2", Code.METADATA),
    ("fd00:ec2::254", Code.METADATA),
    ("100.100.100.200", Code.METADATA),
    ("168.63.129.16", Code.METADATA),
    # IPv4 inside IPv6: judged by the IPv4 address they reach.
    ("::ffff:127.0.0.1", Code.LOOPBACK),
    ("::ffff:10.0.0.1", Code.PRIVATE),
    ("::ffff:169.254.169.254", Code.METADATA),
    ("::ffff:100.64.0.1", Code.CARRIER_GRADE_NAT),
    ("::ffff:0.0.0.0", Code.UNSPECIFIED),
    ("2002:7f00:1::", Code.LOOPBACK),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::", Code.METADATA),  # 6to4 of 169.254.169.254
    ("64:ff9b::a00:1", Code.PRIVATE),  # NAT64 of 10.0.0.1
]


@pytest.mark.parametrize(("address", "code"), REFUSED)
def test_every_non_public_address_class_is_refused(address: str, code: Code) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_address(address)
    assert refused.value.code == code
    assert refused.value.address == address
    assert address in str(refused.value)


@pytest.mark.parametrize(("address", "code"), REFUSED)
def test_every_refused_address_is_refused_as_a_literal_target(address: str, code: Code) -> None:
    host = f"[{address.replace('%', '%25')}]" if ":" in address else address
    with pytest.raises(TargetRefused) as refused:
        vet(f"https://{host}:8443/hook")
    assert refused.value.code == code


@pytest.mark.parametrize(("address", "code"), REFUSED)
def test_every_refused_address_is_refused_behind_a_name(address: str, code: Code) -> None:
    with pytest.raises(TargetRefused) as refused:
        vet("https://hooks.partner.example/in", address)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "address", [PUBLIC_V4, "8.8.8.8", "1.1.1.1", PUBLIC_V6, "::ffff:8.8.8.8", "2002:808:808::"]
)
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None
    check_address(address)


@pytest.mark.parametrize(
    ("address", "code"),
    [(address, code) for address, code in REFUSED if code == Code.METADATA],
)
def test_allow_private_lifts_the_rules_except_metadata(address: str, code: Code) -> None:
    for allowed in ("127.0.0.1", "::1", "10.0.0.5", "192.168.0.2", "::ffff:127.0.0.1"):
        check_address(allowed, allow_private=True)
    with pytest.raises(TargetRefused) as refused:
        check_address(address, allow_private=True)
    assert refused.value.code == code


# --- Names and resolution ------------------------------------------------------------------


def test_a_public_name_is_vetted_with_every_address_kept() -> None:
    calls: list[str] = []
    target = vet_target(
        "https://Hooks.Partner.example:8443/in?topic=calls#frag",
        allow_http=False,
        allow_private=False,
        resolve=resolver(PUBLIC_V4, PUBLIC_V6, PUBLIC_V4, calls=calls),
    )
    assert calls == ["hooks.partner.example:8443"]
    assert target == VettedTarget(
        url="https://Hooks.Partner.example:8443/in?topic=calls#frag",
        scheme="https",
        host="hooks.partner.example",
        port=8443,
        path="/in?topic=calls",
        addresses=(PUBLIC_V4, PUBLIC_V6),
    )


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(TargetRefused) as refused:
        vet("https://internal.partner.example/", "10.20.30.40")
    assert refused.value.code == Code.PRIVATE
    assert refused.value.address == "10.20.30.40"


@pytest.mark.parametrize(
    "resolved",
    [
        (PUBLIC_V4, "127.0.0.1"),
        ("127.0.0.1", PUBLIC_V4),
        (PUBLIC_V6, PUBLIC_V4, "fd00:ec2::254"),
        (PUBLIC_V4, "::ffff:192.168.0.1"),
    ],
)
def test_mixed_public_and_private_resolution_is_refused(resolved: tuple[str, ...]) -> None:
    with pytest.raises(TargetRefused):
        vet("https://rebind.example/", *resolved)


def test_the_check_runs_each_time_so_a_rebound_name_is_caught() -> None:
    answers = iter([[PUBLIC_V4], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> Iterable[str]:
        return next(answers)

    url = "https://rebind.example/"
    first = vet_target(url, allow_http=False, allow_private=False, resolve=rebinding)
    assert first.addresses == (PUBLIC_V4,)
    with pytest.raises(TargetRefused) as refused:
        vet_target(url, allow_http=False, allow_private=False, resolve=rebinding)
    assert refused.value.code == Code.LOOPBACK


def test_allow_private_accepts_a_local_receiver() -> None:
    target = vet("http://127.0.0.1:8099/hook", allow_http=True, allow_private=True)
    assert (target.host, target.port, target.path, target.addresses) == (
        "127.0.0.1",
        8099,
        "/hook",
        ("127.0.0.1",),
    )
    named = vet("http://localhost:8099/", "127.0.0.1", "::1", allow_http=True, allow_private=True)
    assert named.addresses == ("127.0.0.1", "::1")


@pytest.mark.parametrize("failure", [OSError("Name or service not known"), UnicodeError("label")])
def test_an_unresolvable_name_is_refused(failure: Exception) -> None:
    def failing(host: str, port: int) -> Iterable[str]:
        raise failure

    with pytest.raises(TargetRefused) as refused:
        vet_target(
            "https://nowhere.example/", allow_http=False, allow_private=False, resolve=failing
        )
    assert refused.value.code == Code.UNRESOLVABLE
    with pytest.raises(TargetRefused) as empty:
        vet_target(
            "https://nowhere.example/", allow_http=False, allow_private=False, resolve=resolver()
        )
    assert empty.value.code == Code.UNRESOLVABLE


@pytest.mark.parametrize(
    ("host", "code"),
    [
        ("127.1", Code.LOOPBACK),
        ("0x7f000001", Code.LOOPBACK),
        ("2130706433", Code.LOOPBACK),
        ("0177.0.0.1", Code.LOOPBACK),
        ("10.1", Code.PRIVATE),
        ("0xa9.254.169.254", Code.METADATA),
        ("127.0.0.1.", Code.LOOPBACK),
        ("\uff11\uff12\uff17.0.0.1", Code.LOOPBACK),  # full-width digits, folded by IDNA
        ("1.2.3.4.5", Code.INVALID_HOST),
        ("partner.example.99999999999", Code.INVALID_HOST),
    ],
)
def test_numeric_shorthand_hosts_are_decoded_never_sent_to_dns(host: str, code: Code) -> None:
    with pytest.raises(TargetRefused) as refused:
        vet(f"https://{host}/")
    assert refused.value.code == code


def test_international_names_are_resolved_in_ascii() -> None:
    calls: list[str] = []
    vet_target(
        "https://minería.example/hook",
        allow_http=False,
        allow_private=False,
        resolve=resolver(PUBLIC_V4, calls=calls),
    )
    assert calls == ["xn--minera-7va.example:443"]


# --- URL form ------------------------------------------------------------------------------


def test_http_is_refused_unless_allowed() -> None:
    with pytest.raises(TargetRefused) as refused:
        parse_target("http://hooks.partner.example/", allow_http=False)
    assert refused.value.code == Code.INSECURE_SCHEME
    target = parse_target("http://hooks.partner.example/", allow_http=True)
    assert (target.scheme, target.port) == ("http", 80)
    assert parse_target("https://hooks.partner.example", allow_http=False).port == 443
    assert parse_target("https://hooks.partner.example", allow_http=False).path == "/"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://hooks.partner.example/", Code.SCHEME),
        ("file:///etc/passwd", Code.SCHEME),
        ("gopher://127.0.0.1:6379/_INFO", Code.SCHEME),
        ("hooks.partner.example/in", Code.SCHEME),
        ("https://user:secret@hooks.partner.example/", Code.USERINFO),
        ("https://user@hooks.partner.example/", Code.USERINFO),
        ("https://:secret@hooks.partner.example/", Code.USERINFO),
        ("https:///path-only", Code.INVALID_HOST),
        ("https://./", Code.INVALID_HOST),
        ("https://hooks.partner.example:99999/", Code.INVALID_URL),
        ("https://hooks.partner.example:port/", Code.INVALID_URL),
        ("https://[::1/", Code.INVALID_URL),
        ("https://hooks.partner.example/a b", Code.INVALID_URL),
        ("https://hooks.partner.example/\r\nX-Injected: 1", Code.INVALID_URL),
        ("", Code.INVALID_URL),
    ],
)
def test_malformed_urls_are_refused(url: str, code: Code) -> None:
    with pytest.raises(TargetRefused) as refused:
        vet_target(url, allow_http=True, allow_private=False, resolve=resolver(PUBLIC_V4))
    assert refused.value.code == code
    assert str(refused.value)


def test_refusals_are_value_errors_with_a_translated_message() -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValueError, match="https"):
        parse_target("http://hooks.partner.example/", allow_http=False)
