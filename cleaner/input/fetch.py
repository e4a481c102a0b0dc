"""Download a page, only when asked (``cleaner clean --fetch``, ``cleaner.input.fetch``), within limits.

Standard library only. A body over ``max_bytes`` is cut off as soon as it goes over (it is never held
whole), the whole download (redirects included) must finish within ``timeout`` seconds (every read
and write of the connection waits only for what is left of it), at most
``max_redirects`` redirects are followed, and only http and https URLs are fetched: a redirect to
``file:`` or anything else is refused, so a server cannot make cleaner read a local file.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from cleaner.errors import TIMEOUT, TOO_LARGE, UNREADABLE, InputError
from cleaner.version import __version__

DEFAULT_MAX_REDIRECTS = 5
_CHUNK = 1 << 16
_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(InputError):
    """The URL could not be downloaded within the limits; the message is the one-line error users see."""

    def __init__(self, message: str, kind: str = UNREADABLE) -> None:
        super().__init__(message, kind)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes


def is_url(spec: str) -> bool:
    """True for an http(s) URL, the only kind ``fetch`` downloads."""
    return urlsplit(spec).scheme.lower() in _SCHEMES and bool(urlsplit(spec).netloc)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by ``fetch`` itself, so that it can count and check them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Deadline:
    """A socket whose every send and receive may wait only for what is left until ``deadline``.

    A socket timeout bounds each read alone: a server that sends its status line, its headers or a
    chunk-size line a byte at a time, each just inside the timeout, would hold the download forever.
    """

    def __init__(self, sock: socket.socket, deadline: float | None, timeout: float | None) -> None:
        self._sock, self._deadline, self._timeout = sock, deadline, timeout

    def _arm(self) -> None:
        if self._deadline is not None:
            self._sock.settimeout(_remaining(self._deadline, self._timeout))

    def sendall(self, data, *args):
        self._arm()
        return self._sock.sendall(data, *args)

    def recv_into(self, buffer, *args):
        self._arm()
        return self._sock.recv_into(buffer, *args)

    def recv(self, *args):
        self._arm()
        return self._sock.recv(*args)

    def makefile(self, mode: str = "rb", *args, **kwargs):
        """A buffered binary reader over this socket, as ``socket.makefile("rb")`` gives: http.client reads
        the response through it, so every read goes through :meth:`recv_into`."""
        self._sock._io_refs += 1  # as socket.makefile counts its files: closing the socket waits for them
        return io.BufferedReader(socket.SocketIO(self, "rb"))

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


def _opener(deadline: float | None, timeout: float | None) -> urllib.request.OpenerDirector:
    """An opener whose connections hold the download's deadline on every read and write."""

    def connection(base: type[http.client.HTTPConnection]):
        class Connection(base):
            def connect(self) -> None:
                super().connect()
                self.sock = _Deadline(self.sock, deadline, timeout)

        return Connection

    plain, tls = connection(http.client.HTTPConnection), connection(http.client.HTTPSConnection)

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(plain, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(tls, req, context=self._context)

    return urllib.request.build_opener(_NoRedirect(), HTTP(), HTTPS())


def fetch(
    url: str, *, max_bytes: int | None, timeout: float | None, max_redirects: int = DEFAULT_MAX_REDIRECTS
) -> Fetched:
    """The body of ``url`` after at most ``max_redirects`` redirects; FetchError when a limit is hit.

    ``None`` turns the size or time limit off.
    """
    deadline = None if not timeout else time.monotonic() + timeout
    opener = _opener(deadline, timeout)
    for _ in range(max_redirects + 1):
        _check_scheme(url)
        try:
            response = opener.open(_request(url), timeout=_remaining(deadline, timeout))
        except urllib.error.HTTPError as err:
            location = err.headers.get("Location") if err.code in _REDIRECTS else None
            err.close()
            if location is None:
                raise FetchError(f"fetch failed: HTTP {err.code} {err.reason}") from None
            url = urljoin(url, location)
            continue
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as err:
            # HTTPException: a bad status line, too many or too long header lines
            raise _failure(err, timeout) from None
        with response:
            return Fetched(response.geturl(), _body(response, max_bytes, deadline, timeout))
    raise FetchError(f"fetch failed: more than {max_redirects} redirects")


def _request(url: str) -> urllib.request.Request:
    return urllib.request.Request(url, headers={"User-Agent": f"cleaner/{__version__}", "Accept-Encoding": "identity"})


def _check_scheme(url: str) -> None:
    if not is_url(url):
        raise FetchError(f"fetch failed: only http and https URLs are fetched, not {url[:200]!r}")


def _body(response, max_bytes: int | None, deadline: float | None, timeout: float | None) -> bytes:
    """Read the body chunk by chunk, stopping at the size and time limits."""
    declared = response.headers.get("Content-Length")
    if max_bytes is not None and declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large: {declared} bytes, over the limit of {max_bytes}", TOO_LARGE)
    chunks, size = [], 0
    while True:
        _remaining(deadline, timeout)
        try:
            chunk = response.read1(_CHUNK)
        except (OSError, ValueError, http.client.HTTPException) as err:  # a cut chunked body, among others
            raise _failure(err, timeout) from None
        if not chunk:
            if declared and declared.isdigit() and size < int(declared):
                raise FetchError(f"fetch failed: body cut short: {size} of {declared} bytes")
            return b"".join(chunks)
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise FetchError(f"too large: over the limit of {max_bytes} bytes", TOO_LARGE)
        chunks.append(chunk)


def _remaining(deadline: float | None, timeout: float | None) -> float | None:
    """Seconds left for the download (the socket timeout of the next step); FetchError when none are."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"timeout: fetching took over {timeout:g} s", TIMEOUT)
    return left


def _failure(err: BaseException, timeout: float | None) -> FetchError:
    reason = getattr(err, "reason", None) or err
    if isinstance(reason, TimeoutError):
        return FetchError(f"timeout: fetching took over {timeout:g} s", TIMEOUT)
    return FetchError(f"fetch failed: {reason}")
