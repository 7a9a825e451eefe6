"""Which webhook target URLs the portal may call: pure checks, the name resolution injectable.

A webhook makes the *portal's* server send a request to an address a partner chose. Without
checks that is a server-side request forgery: a target of ``http://127.0.0.1:6379/`` or
``http://169.254.169.254/latest/meta-data/`` would make the portal talk to its own Redis or hand
a cloud's instance credentials to whoever reads the delivery log. So a target must be:

- ``https`` (``http`` only when the caller says so: ``allow_http``, read from a setting that only
  tests and development turn on); any port;
- free of credentials (``https://user:pass@host/``): secrets belong in the signing secret, and
  credentials in a URL end up in logs;
- a host whose **every** resolved address is public: not loopback, private (RFC 1918, IPv6
  unique-local), link-local, carrier-grade NAT (``100.64.0.0/10``), multicast, reserved,
  unspecified, nor a cloud metadata address; an IPv4 address wrapped in IPv6 (``::ffff:a.b.c.d``,
  6to4, NAT64) is judged by the IPv4 inside. *Every* address, because the connection could go to
  any of them: one private address among public ones refuses the target. Literal IPs are checked
  the same way, including the old shorthand forms (``127.1``, ``0x7f000001``) that the system
  resolver accepts.

**DNS rebinding.** Checking a name when the subscription is saved proves nothing about later: the
name's owner can make it resolve to ``127.0.0.1`` a minute after. So :func:`vet_target` runs again
at every delivery and returns the addresses it vetted; the delivery must **connect to one of
those addresses** (sending the host name in ``Host`` and for TLS), not resolve the name a second
time, or a short-lived DNS answer could swap the address between the check and the connection.

``allow_private`` (tests against a local receiver) lifts the address rules except the metadata
addresses, which nothing legitimate needs. Refusals raise :class:`TargetRefused` with a stable
``code`` (for logs, tests and the API) and a translated message (for people).
"""

from __future__ import annotations

import enum
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``(host, port) -> addresses``; the default asks the system resolver (``getaddrinfo``).
Resolver = Callable[[str, int], Iterable[str]]

#: Instance metadata services: AWS, GCP, Azure, OpenStack (IPv4 link-local), AWS over IPv6, AWS
#: ECS task metadata, Alibaba Cloud, Azure's WireServer (a public-looking address that only
#: answers from inside Azure). Most are inside a refused range already; listing them keeps them
#: refused under ``allow_private`` too.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "100.100.100.200",
        "168.63.129.16",
    )
)
CARRIER_GRADE_NAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")


class Code(enum.StrEnum):
    """Why a target is refused (stable values: logs, tests, API error codes)."""

    INVALID_URL = "invalid_url"
    SCHEME = "scheme"
    INSECURE_SCHEME = "insecure_scheme"
    USERINFO = "userinfo"
    INVALID_HOST = "invalid_host"
    UNRESOLVABLE = "unresolvable"
    METADATA = "metadata"
    UNSPECIFIED = "unspecified"
    LOOPBACK = "loopback"
    LINK_LOCAL = "link_local"
    MULTICAST = "multicast"
    CARRIER_GRADE_NAT = "carrier_grade_nat"
    PRIVATE = "private"
    RESERVED = "reserved"


class TargetRefused(ValueError):
    """A target URL the portal will not call. ``code`` says why; the message is translated.

    A ``ValueError`` so that forms and the durable-job queue treat it as bad input.
    """

    def __init__(self, code: Code, message: str, *, address: str = "") -> None:
        self.code = code
        #: The refused address, when the refusal is about one.
        self.address = address
        super().__init__(message)


@dataclass(frozen=True)
class Target:
    """A syntactically acceptable target: where to connect and what to ask for."""

    url: str
    scheme: str
    #: ASCII host name (IDNA-encoded) or IP literal, lower case, without IPv6 brackets.
    host: str
    port: int
    #: Path and query to request (``/`` when empty); the fragment is never sent.
    path: str


@dataclass(frozen=True)
class VettedTarget(Target):
    """A target whose resolved addresses all passed; the delivery connects to one of these."""

    addresses: tuple[str, ...] = ()


#: Why each class of address is refused, for people (formatted with the address).
ADDRESS_REASONS = {
    Code.METADATA: gettext_lazy("%(address)s is a cloud metadata address."),
    Code.UNSPECIFIED: gettext_lazy("%(address)s is the unspecified address."),
    Code.LOOPBACK: gettext_lazy("%(address)s is a loopback address (this server)."),
    Code.LINK_LOCAL: gettext_lazy("%(address)s is a link-local address."),
    Code.MULTICAST: gettext_lazy("%(address)s is a multicast address."),
    Code.CARRIER_GRADE_NAT: gettext_lazy("%(address)s is a carrier-grade NAT address."),
    Code.PRIVATE: gettext_lazy("%(address)s is a private network address."),
    Code.RESERVED: gettext_lazy(
        "%(address)s is a reserved address, not reachable on the internet."
    ),
}


def _address_message(code: Code, address: str) -> str:
    return _("The webhook target is not a public address: %(reason)s") % {
        "reason": ADDRESS_REASONS[code] % {"address": address}
    }


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), which is what it reaches."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refusal(ip: IPAddress, *, allow_private: bool = False) -> Code | None:
    """Why ``ip`` may not be called, or None if it may. The most specific reason first.

    Python's ``is_private``/``is_global`` lists changed between releases (and 3.11's miss
    mapped addresses), so the categories are asked one by one and ``is_global`` only closes the
    list: whatever is not globally reachable is refused as reserved.
    """
    if ip in METADATA_ADDRESSES:
        return Code.METADATA
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
            if ip in METADATA_ADDRESSES:
                return Code.METADATA
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_refusal(embedded, allow_private=allow_private)
    if allow_private:
        return None
    checks: tuple[tuple[bool, Code], ...] = (
        (ip.is_unspecified, Code.UNSPECIFIED),
        (ip.is_loopback, Code.LOOPBACK),
        (ip.is_link_local, Code.LINK_LOCAL),
        (ip.is_multicast, Code.MULTICAST),
        (isinstance(ip, ipaddress.IPv4Address) and ip in CARRIER_GRADE_NAT, Code.CARRIER_GRADE_NAT),
        (ip.is_reserved, Code.RESERVED),
        (ip.is_private, Code.PRIVATE),
        (not ip.is_global, Code.RESERVED),
    )
    return next((code for refused, code in checks if refused), None)


def check_address(address: str, *, allow_private: bool = False) -> None:
    """Raise :class:`TargetRefused` unless ``address`` (an IP literal) may be called."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise TargetRefused(
            Code.INVALID_HOST, _("“%(host)s” is not an IP address.") % {"host": address}
        ) from None
    code = address_refusal(ip, allow_private=allow_private)
    if code is not None:
        raise TargetRefused(code, _address_message(code, address), address=address)


def _literal_ip(host: str) -> IPAddress | None:
    """The IP a host written as an address means, including ``127.1`` and ``0x7f000001``.

    A host whose last label is a number is an IPv4 address for the system resolver (and for
    browsers), in the old ``inet_aton`` forms too: those are decoded here, never sent to DNS.
    """
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    last_label = host.rstrip(".").rsplit(".", 1)[-1]
    if not (last_label.isdigit() or last_label.startswith("0x")):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except OSError:
        raise TargetRefused(
            Code.INVALID_HOST, _("“%(host)s” is not a valid host name.") % {"host": host}
        ) from None


def parse_target(url: str, *, allow_http: bool) -> Target:
    """Check a target URL's form (no name resolution): scheme, credentials, host, port.

    For a form field's first pass; the addresses are checked by :func:`vet_target`.
    """
    if not url or any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise TargetRefused(Code.INVALID_URL, _("Enter a valid URL."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(Code.INVALID_URL, _("Enter a valid URL.")) from None
    if parts.scheme == "http" and not allow_http:
        raise TargetRefused(Code.INSECURE_SCHEME, _("Webhook targets must use https."))
    if parts.scheme not in ("https", "http"):
        raise TargetRefused(Code.SCHEME, _("Webhook targets must be https URLs."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(
            Code.USERINFO,
            _("Webhook targets may not contain a user name or password."),
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused(Code.INVALID_HOST, _("The webhook target has no host name."))
    if ":" not in host:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise TargetRefused(
                Code.INVALID_HOST, _("“%(host)s” is not a valid host name.") % {"host": host}
            ) from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(
        url=url,
        scheme=parts.scheme,
        host=host,
        port=port if port is not None else (443 if parts.scheme == "https" else 80),
        path=path,
    )


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to for a TCP connection (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def vet_target(
    url: str,
    *,
    allow_http: bool,
    allow_private: bool,
    resolve: Resolver = system_resolver,
) -> VettedTarget:
    """Check ``url`` and resolve its host; return the addresses the delivery may connect to.

    Call it when a subscription is saved and again at every delivery (see the module's note on
    DNS rebinding). Raises :class:`TargetRefused` when the URL is malformed, the host does not
    resolve, or *any* resolved address is refused.
    """
    target = parse_target(url, allow_http=allow_http)
    literal = _literal_ip(target.host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = list(dict.fromkeys(resolve(target.host, target.port)))
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise TargetRefused(
                Code.UNRESOLVABLE,
                _("The host name “%(host)s” does not resolve.") % {"host": target.host},
            )
    for address in addresses:
        check_address(address, allow_private=allow_private)
    return VettedTarget(
        url=target.url,
        scheme=target.scheme,
        host=target.host,
        port=target.port,
        path=target.path,
        addresses=tuple(addresses),
    )
