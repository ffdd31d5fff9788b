"""The OpenAPI 3.1 document of the emulator's HTTP API, generated from the route table the
server dispatches on (emulator.server.ROUTES), so it describes exactly what is served.

Widget bodies refer to the scene schema's widget definitions (`hud schema`), generated from
the same widget declarations the API validates with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hud
from hud.scene import scene_schema


@dataclass(frozen=True)
class Param:
    """A query parameter: its name, JSON Schema, what it means and an example value."""

    name: str
    schema: dict[str, Any]
    doc: str
    example: str | None = None


@dataclass(frozen=True)
class Route:
    """One endpoint: what the server dispatches and what the OpenAPI document says of it."""

    method: str
    path: str  # "/widgets/{id}": {name} matches one path segment
    handler: Callable[..., Any]  # the server's endpoint: Request -> Reply | Stream
    summary: str
    body: str = "none"  # "none", "optional" or "required" (a JSON body)
    request: dict[str, Any] | None = None  # the body's JSON Schema
    example: Any = None  # an example body
    params: dict[str, str] = field(default_factory=dict)  # path parameter -> example value
    query: tuple[Param, ...] = ()
    reply: str = "application/json"  # the success reply's content type
    status: int = 200
    result: dict[str, Any] | None = None  # the success reply's JSON Schema
    errors: tuple[int, ...] = ()  # error statuses it may answer besides 404/405/413/503

    @property
    def operation_id(self) -> str:
        words = re.sub(r"[{}]", "", self.path).strip("/").replace("/", "_").replace(".", "_").replace("-", "_")
        return f"{self.method.lower()}_{words or 'root'}"


ERROR = {"$ref": "#/components/schemas/Error"}
# statuses every route may answer, whatever it does
COMMON_ERRORS = {
    405: "The method is not allowed on this path (the Allow header lists those that are).",
    413: "The request body is over the limit (judged from Content-Length, before reading).",
    503: "Busy: too many requests at once, or the emulator did not take the request in time.",
}
ERROR_TEXT = {
    400: "A bad request: the one-line error names the field and how to fix it.",
    404: "Not found: no widget with that id (the error suggests the closest), no such panel, no such file.",
    409: "No scene is loaded.",
    411: "The body needs a Content-Length header (chunked bodies are not taken).",
    422: "The scene file has an error (the one-line error names the file, line and fix).",
    503: "Busy: too many event streams are open.",
}


def document(routes: tuple[Route, ...], url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document for `routes` (served at `url`)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "hud emulator API",
            "version": hud.__version__,
            "description": "Drive the hud desktop emulator the way an app drives the glasses. It listens on "
            '127.0.0.1 only. Every error is JSON {"error": "one line"}.',
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                **_widget_schemas(),
            }
        },
    }
    if url is not None:
        document["servers"] = [{"url": url}]
    return document


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": route.operation_id, "summary": route.summary}
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "A widget's id.",
            "example": example,
        }
        for name, example in route.params.items()
    ]
    parameters += [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "schema": p.schema,
            "description": p.doc,
            **({"example": p.example} if p.example is not None else {}),
        }
        for p in route.query
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.body != "none":
        content: dict[str, Any] = {"schema": route.request or {"type": "object"}}
        if route.example is not None:
            content["example"] = route.example
        operation["requestBody"] = {"required": route.body == "required", "content": {"application/json": content}}
    if route.reply == "application/json":
        success: dict[str, Any] = {"schema": route.result or {"type": "object"}}
    elif route.reply == "text/event-stream":
        success = {"schema": {"type": "string", "description": "id:, event: and data: lines (data is JSON)"}}
    else:
        success = {"schema": {"type": "string", "contentMediaType": route.reply}}
    responses: dict[str, Any] = {
        str(route.status): {
            "description": "Done." if route.status < 300 else "Created.",
            "content": {route.reply: success},
        }
    }
    statuses = {status: ERROR_TEXT.get(status, "Error.") for status in route.errors}
    if route.params:
        statuses.setdefault(404, ERROR_TEXT[404])
    for status, text in COMMON_ERRORS.items():
        statuses.setdefault(status, text)
    for status in sorted(statuses):
        responses[str(status)] = {"description": statuses[status], "content": {"application/json": {"schema": ERROR}}}
    operation["responses"] = responses
    return operation


def _widget_schemas() -> dict[str, Any]:
    """The scene schema's widget definitions, with their references pointed at components."""
    definitions = {name: value for name, value in scene_schema()["$defs"].items() if name != "timeline_entry"}
    return _relink(definitions)


def _relink(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                re.sub(r"^#/\$defs/", "#/components/schemas/", item)
                if key == "$ref" and isinstance(item, str)
                else _relink(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_relink(item) for item in value]
    return value
