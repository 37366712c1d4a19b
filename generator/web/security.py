"""Who is asking and whether they may: sessions, CSRF tokens, roles, request size, response headers.

Sessions are Starlette's signed cookies (itsdangerous; HttpOnly, SameSite=Lax, Secure behind TLS)
holding the account id and a CSRF token; every POST must send the token back in its form, checked
in constant time. Roles are checked on the server for every request that needs one.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.register import Role, User

CSRF_FIELD = "csrf"
SESSION_USER = "uid"
SESSION_CSRF = "csrf"


class NotLoggedIn(Exception):
    """The page needs an account: the login page is shown instead."""


class Forbidden(Exception):
    """The account's role may not do this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CsrfRefused(Exception):
    """A form came back without its token, or with another session's: possibly a forged request."""


class BodyTooLarge(Exception):
    """The request body is over the upload limit."""


def csrf_token(request: Request) -> str:
    """This session's token, made on first use (the login form has one too)."""
    session: MutableMapping[str, Any] = request.session
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


def check_csrf(request: Request, form: FormData) -> None:
    """Refuse a POST whose form lacks this session's token, or that another site's page sent."""
    expected = request.session.get(SESSION_CSRF)
    sent = form.get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfRefused()
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != _own_origin(request):
        raise CsrfRefused()


def _own_origin(request: Request) -> str:
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}"


def login(request: Request, user: User) -> None:
    """A fresh session for the account (a new CSRF token too: nothing carries over from before login)."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    csrf_token(request)


def logout(request: Request) -> None:
    request.session.clear()


def session_user_id(request: Request) -> int | None:
    value = request.session.get(SESSION_USER)
    return value if isinstance(value, int) else None


def require(user: User | None, *roles: Role) -> User:
    """The account when its role is one of `roles`; NotLoggedIn or Forbidden otherwise."""
    if user is None:
        raise NotLoggedIn()
    if roles and user.role not in roles:
        names = " hoặc ".join(r.label.lower() for r in roles)
        raise Forbidden(f"Chức năng này chỉ dành cho {names}. Tài khoản của bạn là {user.role.label.lower()}.")
    return user


class LoginThrottle:
    """After too many failed logins for one name, refuse that name for the rest of the window."""

    def __init__(self, attempts: int, window_seconds: int) -> None:
        self.attempts, self.window = attempts, window_seconds
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, name: str) -> deque[float]:
        failures = self._failures[name]
        cutoff = time.monotonic() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def blocked(self, name: str) -> bool:
        return len(self._recent(name.strip().lower())) >= self.attempts

    def failed(self, name: str) -> None:
        self._recent(name.strip().lower()).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        self._failures.pop(name.strip().lower(), None)


# ---- ASGI middleware ------------------------------------------------------------------------------

TooLargeResponder = Callable[[Scope, Receive, Send], Awaitable[None]]


class LimitBody:
    """Refuse a request body over `limit` bytes: by its Content-Length at once, else while it arrives.

    A body announced as too large is read and dropped (up to `drain_limit`) before the answer, so the
    browser, still sending, shows the page instead of a broken connection.
    """

    def __init__(self, app: ASGIApp, limit: int, too_large: TooLargeResponder, drain_limit: int) -> None:
        self.app, self.limit, self.too_large, self.drain_limit = app, limit, too_large, drain_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.limit:
            if length <= self.drain_limit:
                await _drain(receive)
            await self.too_large(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge()
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await self.too_large(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


Renderer = Callable[[Scope, str], Awaitable[Callable[[Scope, Receive, Send], Awaitable[None]]]]


class CatchAll:
    """The last word on a request whose handler failed unexpectedly: log the traceback with an incident
    code and answer with a page, without letting the error reach the server (which would drop the
    connection instead of delivering the page)."""

    def __init__(self, app: ASGIApp, render: Renderer, logger: logging.Logger) -> None:
        self.app, self.render, self.logger = app, render, logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except BodyTooLarge:
            raise
        except Exception:
            incident = uuid.uuid4().hex[:10]
            self.logger.exception("unexpected error %s on %s %s", incident, scope.get("method"), scope.get("path"))
            if started:  # part of an answer has gone: nothing better can be sent
                return
            respond = await self.render(scope, incident)
            await respond(scope, receive, send)


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
HTML_POLICY = (b"content-security-policy",
               b"default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
               b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """Headers on every answer; HTML pages also get a strict CSP and are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    headers.append(HTML_POLICY)
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
