"""Fergus's wire conventions: envelope, Fastify-style errors, paging links, body checks."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox import faults


def sw(company_id: int, name: str, default: Any) -> Any:
    """A per-company switch (reference §11)."""
    return faults.switch(f"fergus:{company_id}", name, default)


class Problem(Exception):
    """An error answer; views raise it, the router renders it."""

    def __init__(self, status: int, body: dict | str, content_type: str = "application/json"):
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type


class ValidationProblem(Problem):
    """Fastify validation failure; some are answered as 500 when `validation_as_500` is on."""

    def __init__(self, message: str):
        super().__init__(400, {"error": "Bad Request", "message": message, "statusCode": 400})
        self.message = message


def required(prop: str, where: str = "body") -> ValidationProblem:
    return ValidationProblem(
        f"Validation Failed: [<{where}>: must have required property '{prop}']."
    )


def bad(message: str) -> ValidationProblem:
    return ValidationProblem(message)


def not_found_route(method: str, path: str) -> Problem:
    return Problem(404, {
        "message": f"Route {method}:/api/partner/{path} not found",
        "error": "Not Found", "statusCode": 404,
    })


def not_found(what: str) -> Problem:
    return Problem(404, {"error": "Not Found", "message": f"{what} not found", "statusCode": 404})


def forbidden(company_id: int) -> Problem:
    if sw(company_id, "forbidden_body_html", False):
        return Problem(403, "<html><head><title>403 Forbidden</title></head><body>"
                            "<h1>403 Forbidden</h1></body></html>", "text/html")
    return Problem(403, {"message": "Forbidden"})


def unauthorized() -> Problem:
    return Problem(401, {"message": "Unauthorized"})


def render(status: int, body: Any, content_type: str = "application/json") -> HttpResponse:
    if body is None:
        return HttpResponse(status=status)
    if isinstance(body, str):
        return HttpResponse(body, status=status, content_type=content_type)
    return JsonResponse(body, status=status, safe=False)


def one(data: Any, status: int = 200, *, bare: bool = False) -> HttpResponse:
    return render(status, data if bare else {"result": "success", "data": data})


def require(body: dict, *props: str) -> None:
    for prop in props:
        if prop not in body or body[prop] is None:
            raise required(prop)


def require_text(body: dict, prop: str) -> str:
    require(body, prop)
    value = body[prop]
    if not isinstance(value, str) or not value.strip():
        raise bad(f"Validation Failed: [<body>/{prop}: must match pattern \"\\S\"].")
    return value


def parse_body(request: HttpRequest) -> dict | None:
    raw = request.body
    if not raw:
        return None
    ctype = (request.content_type or "").lower()
    if ctype != "application/json":
        raise Problem(415, {
            "error": "FastifyError",
            "message": f"Unsupported Media Type: {ctype or 'none'}", "statusCode": 415,
        })
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise Problem(400, {
            "error": "Bad Request", "statusCode": 400,
            "message": "Body is not valid JSON but content-type is set to 'application/json'",
        }) from exc
    if not isinstance(data, dict):
        raise bad("Validation Failed: [<body>: must be object].")
    return data


def qbool(value: str | None) -> bool:
    return str(value).lower() in ("true", "1", "yes")


def page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("pageSize", 10))
    except ValueError as exc:
        raise bad("Validation Failed: [<querystring>/pageSize: must be number].") from exc
    if size < 1:
        raise bad("Validation Failed: [<querystring>/pageSize: must be >= 1].")
    return size


@dataclass
class Page:
    items: list
    body: dict


def paginate(
    request: HttpRequest, path: str, company_id: int, items: Sequence[Any],
    render_item: Callable[[Any], dict], key: Callable[[Any], Any] = lambda o: o.pk,
) -> dict:
    """Slice an already-sorted list and build `paging` (reference §3-§4, switches §11).

    keyset: the cursor is the key of the last item of the previous page (opaque to clients);
    offset: the cursor is a 0-based offset. With `duplicate_cursor_in_links` the new cursor is
    appended to the query instead of replacing it, as the real API was seen doing.
    """
    size = page_size(request)
    mode = sw(company_id, "cursor_mode", "keyset")
    cursors = request.GET.getlist("pageCursor")
    cursor = cursors[-1] if cursors else ""
    keys = [str(key(o)) for o in items]
    start = 0
    if cursor and cursor != "0":
        if mode == "offset":
            try:
                start = max(0, int(cursor))
            except ValueError as exc:
                raise bad("Validation Failed: [<querystring>/pageCursor: invalid].") from exc
        elif cursor in keys:
            start = keys.index(cursor) + 1
        else:
            # The cursor's record vanished: resume after the first larger id.
            try:
                c = int(cursor)
                start = next((i for i, o in enumerate(items) if o.pk > c), len(items))
            except ValueError:
                start = len(items)
    chunk = list(items[start:start + size])

    def cursor_at(pos: int) -> str | None:
        if pos <= 0:
            return None
        return str(pos) if mode == "offset" else keys[pos - 1]

    def link(cur: str | None) -> str:
        pairs = [(k, v) for k, v in parse_qsl(request.META.get("QUERY_STRING", ""),
                                               keep_blank_values=True)]
        duplicate = sw(company_id, "duplicate_cursor_in_links", False)
        if not duplicate:
            pairs = [(k, v) for k, v in pairs if k != "pageCursor"]
        if cur is not None:
            pairs.append(("pageCursor", cur))
        query = urlencode(pairs)
        return f"/{path}" + (f"?{query}" if query else "")

    end = start + len(chunk)
    nxt = link(cursor_at(end)) if end < len(items) else None
    prev = link(cursor_at(max(0, start - size))) if start > 0 else None
    return {
        "result": "success",
        "data": [render_item(o) for o in chunk],
        "paging": {
            "perPage": size,
            "pageCount": max(1, math.ceil(len(items) / size)),
            "links": {"self": link(cursor or None), "previous": prev, "next": nxt},
        },
    }


def unpaged(data: list, self_link: str | None = None) -> dict:
    return {"result": "success", "data": data,
            "paging": {"perPage": len(data), "pageCount": 1,
                       "links": {"self": self_link, "previous": None, "next": None}}}
