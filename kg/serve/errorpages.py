"""Error pages for people (issue 26, item 10): a 404 or 400 that a browser asked for is shown in the site's layout,
with the reason, "did you mean" from the search index and a search box; programs asking for data keep the one-line
plain-text error the endpoint writes (`Error: …`), byte for byte.

An ASGI middleware, so that every route's errors (the endpoint's, the site's, the router's own "Not Found") get
the same page without any route changing: it looks at a response's start and, for a plain-text 400/404 to a
request that accepts HTML, renders `site.error_page` instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
STATUSES = (400, 404)


def wants_html(scope: Scope) -> bool:
    """A browser's request: its Accept header names text/html (a page, not data)."""
    for name, value in scope.get("headers", []):
        if name == b"accept":
            return b"text/html" in value
    return False


class ErrorPages:
    """Wraps the application; `render(request, status, message)` returns the HTML page's Response."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], render: Callable[..., Any]) -> None:
        self.app = app
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not wants_html(scope):
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                plain = headers.get(b"content-type", b"").startswith(b"text/plain")
                if message["status"] in STATUSES and plain:
                    held["start"], held["body"] = message, b""
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and "start" in held:
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                text = held["body"].decode("utf-8", "replace").strip()
                message_text = text[len("Error: "):] if text.startswith("Error: ") else text
                response = await run_in_threadpool(self.render, Request(scope), held["start"]["status"],
                                                   message_text)
                await response(scope, receive, send)
                return
            await send(message)

        await self.app(scope, receive, watch)
