"""HTTP to triplestores: credentials from the environment, bounded retries, and one-line errors.

Credentials never come from the command line and never appear in a message: they are read from
KG_STORE_USER / KG_STORE_PASSWORD or from ~/.netrc (for the endpoint's host), and URLs are shown without
any user:password@ part. Failures become StoreError (exit 2) carrying the server's own first line.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kg.shared.errors import ParameterError, StoreError
from kg.stores.profiles import AUTH_MODES, redact

ENV_USER = "KG_STORE_USER"
ENV_PASSWORD = "KG_STORE_PASSWORD"

DEFAULT_TRIES = 4  # one request and three retries
DEFAULT_BACKOFF = 0.5  # seconds before the first retry, doubled each time: 0.5, 1, 2
RETRY_STATUS = frozenset({502, 503, 504})
MESSAGE_LIMIT = 300


class AuthRefused(StoreError):
    """The server answered 401 or 403: the credentials (or their absence) were refused."""


class Unreached(StoreError):
    """The connection could not even be opened (refused, unknown host…): the request never reached the
    server, so it cannot have written anything."""


class DeadlineExceeded(StoreError):
    """The whole operation's deadline (`kg load --deadline`) passed while waiting for the server.
    `reached`: False when no try of the request ever reached the server (it cannot have written)."""

    def __init__(self, message: str, reached: bool = True) -> None:
        super().__init__(message)
        self.reached = reached


def wrote_nothing(exc: StoreError) -> bool:
    """True when the failed request certainly changed nothing on the server."""
    return isinstance(exc, Unreached | AuthRefused) or (isinstance(exc, DeadlineExceeded) and not exc.reached)


NOTICE_AFTER = 5.0  # seconds a request may take before the client says what it is waiting for


class NoAuth(AuthBase):
    """Send no credentials, and keep requests from picking some from ~/.netrc."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


def find_credentials(url: str) -> tuple[str, str] | None:
    """User and password from KG_STORE_USER/KG_STORE_PASSWORD, else from ~/.netrc for the URL's host."""
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    if user is not None or password is not None:
        if not user or password is None:
            raise ParameterError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return user, password
    from requests.utils import get_netrc_auth

    found = get_netrc_auth(url)
    return (found[0], found[1]) if found else None


def make_auth(mode: str, url: str) -> AuthBase:
    """The requests auth object for --auth basic|digest|none, with credentials found for `url`."""
    if mode not in AUTH_MODES:
        raise ParameterError(f"--auth: unknown mode {mode!r} (choose from {', '.join(AUTH_MODES)})")
    if mode == "none":
        return NoAuth()
    creds = find_credentials(url)
    if creds is None:
        return NoAuth()
    return HTTPBasicAuth(*creds) if mode == "basic" else HTTPDigestAuth(*creds)


_STATUS_LINE = re.compile(r"(?i)^(?:HTTP/\d(?:\.\d)?\s+\d{3}\b.*|error\s+\w+|\d{3}\s.*)$")


def server_message(body: str) -> str:
    """The server's own message: the first meaningful line of the body, HTML stripped.

    Virtuoso wraps errors in an HTML page whose first lines are a status ("HTTP/1.1 500 …", "Error 22007");
    those are skipped. A line ending with ':' gets the next one, which says what actually went wrong.
    """
    text = re.sub(r"(?is)<(head|script|style)\b.*?</\1\s*>", "\n", body)
    text = re.sub(r"(?s)<[^>]*>", "\n", text)
    lines = [" ".join(line.split()) for line in html.unescape(text).splitlines()]
    lines = [line for line in lines if line and not _STATUS_LINE.match(line)]
    if not lines:
        return "(no message)"
    message = lines[0]
    if message.endswith(":") and len(lines) > 1:
        message += " " + lines[1]
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def _nothing_sent(exc: Exception) -> bool:
    """True when the connection could not even be opened, so retrying cannot apply a request twice."""
    import urllib3.exceptions as u3

    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, u3.MaxRetryError):
        reason = reason.reason
    return isinstance(reason, u3.NewConnectionError)


def _reason(exc: Exception, timeout: float) -> str:
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {timeout:g} s"
    text = str(exc)
    for needle, reason in (
        ("Connection refused", "connection refused"),
        ("RemoteDisconnected", "the server closed the connection"),
        ("Connection aborted", "the server closed the connection"),
        ("Connection reset", "connection reset"),
        ("Broken pipe", "the server closed the connection"),
        ("NameResolutionError", "unknown host"),
        ("Name or service not known", "unknown host"),
        ("No route to host", "no route to host"),
    ):
        if needle in text:
            return reason
    return type(exc).__name__


class HttpClient:
    """One session with auth, timeout, TLS verification and bounded retries, for one store."""

    def __init__(
        self,
        *,
        auth: AuthBase | None = None,
        timeout: float = 60.0,
        verify_tls: bool = True,
        tries: int = DEFAULT_TRIES,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
        deadline: float | None = None,
        notify: Callable[[str], None] | None = None,
        notice_after: float = NOTICE_AFTER,
    ) -> None:
        """`deadline`: seconds from now after which no request is started and none waited for any longer
        (every request's timeout is cut to the time left); None for no overall bound. `notify` gets one
        line whenever a request has been waiting `notice_after` seconds (what, where, until when)."""
        self.session = session or requests.Session()
        self.auth: AuthBase = auth or NoAuth()
        self.timeout = timeout
        self.verify_tls = verify_tls
        self.tries = max(1, tries)
        self.backoff = backoff
        self._sleep = sleep
        self.deadline_seconds = deadline
        self.deadline_at = None if deadline is None else time.monotonic() + deadline
        self.reserve = 0.0
        self.deadline_option = "--deadline"
        self.notify = notify
        self.notice_after = notice_after

    def time_left(self) -> float | None:
        """Seconds before the deadline (never negative), or None without one."""
        return None if self.deadline_at is None else max(0.0, self.deadline_at - time.monotonic())

    def set_deadline(self, seconds: float, *, start: float | None = None, reserve: float = 0.0,
                     option: str = "--deadline") -> None:
        """Give up `seconds` after `start` (time.monotonic(); default now), keeping the last `reserve`
        seconds for the clean-up that grant_reserve() allows after a failure. `option` is the command-line
        option that sets it, named in messages."""
        start = time.monotonic() if start is None else start
        self.deadline_option = option
        self.deadline_seconds = seconds
        self.deadline_at = start + seconds - reserve
        self.reserve = reserve

    def grant_reserve(self) -> None:
        """After a failure, allow the time set aside for cleaning up (dropping staging graphs)."""
        if self.deadline_at is not None and self.reserve:
            self.deadline_at += self.reserve
            self.reserve = 0.0

    def _past_deadline(self, what: str, url: str, reached: bool = True, last: str = "") -> DeadlineExceeded:
        if self.deadline_option == "--deadline":  # the whole command's bound, not this request's
            why = f"the deadline of {self.deadline_seconds:g} s passed"
        else:
            why = f"no answer within {self.deadline_seconds:g} s"
        before = f"; the last try: {last}" if last else ""
        return DeadlineExceeded(
            f"{what}: gave up waiting for {redact(url)}: {why} ({self.deadline_option}){before}", reached)

    def _notice(self, what: str, url: str, timeout: float) -> object:
        """A timer that says, on stderr through `notify`, what a slow request is waiting for."""
        if self.notify is None:
            return None
        import threading

        left = self.time_left()
        until = f"; kg gives up in {left:.0f} s, {self.deadline_option}" if left is not None else ""
        line = f"Waiting for {redact(url)} to answer the {what} (up to {timeout:.0f} s for this try{until})…"
        timer = threading.Timer(min(self.notice_after, timeout / 2), self.notify, (line,))
        timer.daemon = True
        timer.start()
        return timer

    @property
    def has_credentials(self) -> bool:
        return not isinstance(self.auth, NoAuth)

    def send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Mapping[str, str] | None = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
        tries: int | None = None,
        check: bool = True,
    ) -> requests.Response:
        """Send a request and return its 2xx response (any response if not `check`), or raise StoreError.

        Retries (with exponential backoff) connection failures and 502/503/504, never a 4xx. A request
        that is not idempotent is retried only when it cannot have reached the server (connection not
        opened, or 503), so it is never applied twice.
        """
        limit = max(1, tries or self.tries)
        attempt = 0
        reached = False  # whether some try may have reached the server
        last = ""  # how the previous try failed
        while True:
            attempt += 1
            left = self.time_left()
            if left is not None and left <= 0:
                raise self._past_deadline(what, url, reached, last)
            timeout = self.timeout if left is None else min(self.timeout, left)
            notice = self._notice(what, url, timeout)
            try:
                response = self.session.request(
                    method, url, params=params, data=data, headers=dict(headers or {}), auth=self.auth,
                    timeout=timeout, verify=self.verify_tls,
                )
            except requests.exceptions.SSLError as exc:
                raise StoreError(f"{what}: TLS error with {redact(url)}: {_tls_reason(exc)}") from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                reached = reached or not _nothing_sent(exc)
                last = _reason(exc, timeout)
                if attempt < limit and (idempotent or _nothing_sent(exc)) and self.time_left() != 0:
                    self._pause(attempt)
                    continue
                if self.time_left() == 0 and isinstance(exc, requests.Timeout):
                    raise self._past_deadline(what, url, reached) from None
                tried = "1 try" if attempt == 1 else f"{attempt} tries"
                kind = Unreached if _nothing_sent(exc) else StoreError
                raise kind(
                    f"{what}: cannot reach {redact(url)}: {_reason(exc, timeout)} (after {tried})"
                ) from None
            finally:
                if notice is not None:
                    notice.cancel()  # type: ignore[attr-defined]
            status = response.status_code
            reached = True
            last = f"{status} {response.reason or ''}".rstrip()
            if status in RETRY_STATUS and attempt < limit and (idempotent or status == 503) and self.time_left() != 0:
                self._pause(attempt)
                continue
            if not check:
                return response
            if status in (401, 403):
                raise AuthRefused(self._refused(what, url, response))
            if not 200 <= status < 300:
                raise StoreError(
                    f"{what}: {redact(url)} answered {status} {response.reason or ''}".rstrip()
                    + f": {server_message(response.text)}"
                )
            return response

    def _pause(self, attempt: int) -> None:
        """The backoff before a retry, cut short by the deadline."""
        wait = self.backoff * 2 ** (attempt - 1)
        left = self.time_left()
        self._sleep(wait if left is None else min(wait, left))

    def _refused(self, what: str, url: str, response: requests.Response) -> str:
        status = f"{response.status_code} {response.reason or ''}".strip()
        if self.has_credentials:
            hint = f"check {ENV_USER}/{ENV_PASSWORD} or ~/.netrc, and --auth"
        else:
            hint = f"no credentials were sent: set {ENV_USER} and {ENV_PASSWORD}, or add the host to ~/.netrc"
        body = server_message(response.text) if response.text.strip() else ""
        detail = f" ({body})" if body and body != "(no message)" else ""
        return f"{what}: {redact(url)} refused the credentials: {status}{detail}; {hint}"


def _tls_reason(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"certificate verify failed: ([^()'\"]+)", text)
    if match:
        return "certificate verify failed: " + match.group(1).strip() + " (--no-verify-tls skips the check)"
    return "handshake failed"
