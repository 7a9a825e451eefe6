"""A local HTTP(S) receiver for the webhook delivery tests: a real server in a thread.

``Receiver`` listens on ``127.0.0.1`` (a free port), records every request it gets (path,
headers, raw body) and answers each path with the replies a test scripted
(``receiver.answer("/hook", Reply(500), Reply(200))``: one per request, the last repeated).
A reply can wait before answering (timeouts) or redirect. ``tls_material`` makes a throwaway
certificate authority and a server certificate for a host name, so that a test can serve HTTPS
and check that the delivery verifies the certificate against the *name* while connecting to
the vetted *address*.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    #: Seconds to wait before answering (longer than the read timeout: a timeout).
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = {key.lower(): value for key, value in self.headers.items()}
        return lowered.get(name.lower())


class Receiver:
    """Records requests and answers them as scripted. Use through the ``receiver`` fixture."""

    def __init__(self, *, tls_context: ssl.SSLContext | None = None) -> None:
        self._lock = threading.Lock()
        self._requests: list[Received] = []
        self._replies: dict[str, list[Reply]] = {}
        #: Set at shutdown: wakes up handlers that are waiting to answer.
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        if tls_context is not None:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str = "/hook", *, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def answer(self, path: str, *replies: Reply) -> None:
        """Answer ``path`` with ``replies`` in turn, the last one for every later request."""
        with self._lock:
            self._replies[path] = list(replies)

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    # Called from the handler threads.
    def _record(self, request: Received) -> Reply:
        with self._lock:
            self._requests.append(request)
            queue = self._replies.get(request.path)
            if not queue:
                return Reply()
            return queue.pop(0) if len(queue) > 1 else queue[0]


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            reply = receiver._record(
                Received(path=self.path, headers=dict(self.headers.items()), body=body)
            )
            if reply.delay and receiver.stopping.wait(reply.delay):
                return
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:  # the client gave up (timeout): nothing to answer
                pass

        do_GET = do_POST  # a followed redirect would GET: record it too

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet test output

    return Handler


@contextmanager
def running_receiver(*, tls_context: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    receiver = Receiver(tls_context=tls_context).start()
    try:
        yield receiver
    finally:
        receiver.stop()


# --- TLS -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsMaterial:
    ca_file: Path
    server_context: ssl.SSLContext


def tls_material(directory: Path, hostname: str) -> TlsMaterial:
    """A throwaway CA (``ca_file``, for the client) and a server context whose certificate
    names ``hostname`` (and only it), signed by that CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    validity = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))

    def build(subject: str, public_key, issuer: str, signing_key, *, ca: bool, san=None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(validity[0])
            .not_valid_after(validity[1])
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            ).add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        if san is not None:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = build("CMSP test CA", ca_key.public_key(), "CMSP test CA", ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    try:
        names = [x509.IPAddress(ipaddress.ip_address(hostname))]
    except ValueError:
        names = [x509.DNSName(hostname)]
    server_cert = build(
        hostname,
        server_key.public_key(),
        "CMSP test CA",
        ca_key,
        ca=False,
        san=names,
    )
    pem = serialization.Encoding.PEM
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(pem))
    cert_file = directory / "server.pem"
    cert_file.write_bytes(server_cert.public_bytes(pem))
    key_file = directory / "server.key"
    key_file.write_bytes(
        server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return TlsMaterial(ca_file=ca_file, server_context=context)
