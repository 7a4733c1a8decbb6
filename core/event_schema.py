"""Declared live events: every message a WebSocket stream sends has one JSON Schema.

Each app declares the messages it emits in its own `events.py`, next to the emitter
(`declare_event(stream, type, schema, description)`); core keeps the registry, checks
messages against it and serves it to app developers (`GET /api/v1/events/schema/`).
The model is Zulip's `zerver/lib/event_schema.py`: a payload nobody declared is a bug.

Checking costs a schema walk per message, so emitters check only when
`validating()`: `settings.LIVE_EVENTS_VALIDATE`, off unless set (the tests turn it on).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

DIALECT = "https://json-schema.org/draft/2020-12/schema"


class EventInvalid(Exception):
    """A message that no declaration allows: an undeclared type, or a payload that does not
    match its type's schema. A programming error, never a client's."""


@dataclass(frozen=True)
class LiveStream:
    name: str
    path: str
    description: str


@dataclass
class EventSchema:
    stream: str
    type: str
    schema: dict[str, Any]  # the whole message, `type` included
    description: str
    _validator: Any = field(default=None, repr=False, compare=False)

    def error(self, event: dict[str, Any]):
        """The most telling way `event` breaks this schema (a jsonschema ValidationError),
        or None. Imported and compiled on first use: production never checks."""
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import best_match

        if self._validator is None:
            self._validator = Draft202012Validator(self.schema)
        return best_match(self._validator.iter_errors(event))


_streams: dict[str, LiveStream] = {}
_events: dict[str, dict[str, EventSchema]] = {}
_discovered = False


def declare_stream(name: str, *, path: str, description: str) -> None:
    _streams[name] = LiveStream(name=name, path=path, description=description)
    _events.setdefault(name, {})


def declare_event(stream: str, type: str, schema: dict[str, Any], description: str) -> EventSchema:
    """Declare what a `type` message on `stream` carries besides its `type`: `schema` is a
    JSON Schema object (see `fields`). The declared schema adds `type` itself."""
    if stream not in _streams:
        raise ValueError(f"declare the stream {stream!r} before its events")
    if schema.get("type") != "object" or "properties" not in schema:
        raise ValueError(f"{stream} {type}: the schema must be an object with properties")
    if type in _events[stream]:
        raise ValueError(f"{stream} {type}: declared twice")
    message = {
        **schema,
        "properties": {
            "type": {"const": type, "description": "What happened; selects this schema."},
            **schema["properties"],
        },
        "required": ["type", *schema.get("required", ())],
    }
    declared = EventSchema(stream=stream, type=type, schema=message, description=description)
    _events[stream][type] = declared
    return declared


def validating() -> bool:
    """Whether emitters check what they send against the declarations."""
    return getattr(settings, "LIVE_EVENTS_VALIDATE", False)


def validate_event(stream: str, event: dict[str, Any]) -> None:
    """Raise EventInvalid unless `event` is a declared message of `stream`."""
    declared = declared_events().get(stream)
    if declared is None:
        raise EventInvalid(f"no live stream {stream!r} is declared")
    type = event.get("type") if isinstance(event, dict) else None
    if not isinstance(type, str) or type not in declared:
        raise EventInvalid(
            f"{stream} stream: the event type {type!r} is not declared; declare it with "
            "core.event_schema.declare_event next to its emitter"
        )
    error = declared[type].error(event)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(the message)"
        raise EventInvalid(
            f"{stream} stream: {type!r} does not match its declaration at {where}: {error.message}"
        )


def declared_events() -> dict[str, dict[str, EventSchema]]:
    """Every declaration, stream → type → schema, once every app's `events` is imported."""
    _discover()
    return _events


def declared_streams() -> dict[str, LiveStream]:
    _discover()
    return _streams


def event_catalogue() -> dict[str, Any]:
    """The registry as JSON, for app developers."""
    return {
        "dialect": DIALECT,
        "streams": {
            name: {
                "path": stream.path,
                "description": stream.description,
                "events": {
                    type: {"description": e.description, "schema": e.schema}
                    for type, e in sorted(declared_events()[name].items())
                },
            }
            for name, stream in sorted(declared_streams().items())
        },
    }


def _discover() -> None:
    """Import each installed app's `events` module (declarations run at import), the way
    the admin finds `admin` modules: core names no app."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "events"):
            import_module(f"{config.name}.events")
    _discovered = True


class DeclaredStreamMixin:
    """For a consumer: every message it sends with `send_json` is checked against the
    declarations of `event_stream` while `validating()`. Text a consumer passes on already
    encoded (the board's fan-out) was checked where it was made."""

    event_stream: str

    async def send_json(self, content, close=False):
        if validating():
            validate_event(self.event_stream, content)
        await super().send_json(content, close=close)


# Building blocks for declarations: every field says what a client can rely on.


def fields(properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A closed object: every property is always there (null where the schema allows it),
    and no other may appear, so a new field is declared before it is sent."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def integer(description: str, **constraints: Any) -> dict[str, Any]:
    return {"type": "integer", "description": description, **constraints}


def string(description: str, **constraints: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **constraints}


def boolean(description: str) -> dict[str, Any]:
    return {"type": "boolean", "description": description}


def choice(values: Iterable[str], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": [str(v) for v in values], "description": description}


def timestamp(description: str) -> dict[str, Any]:
    return {"type": "string", "format": "date-time", "description": description}


def array(items: dict[str, Any], description: str, **constraints: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, "description": description, **constraints}


def record(properties: dict[str, dict[str, Any]], description: str) -> dict[str, Any]:
    """A nested closed object (see `fields`)."""
    return {**fields(properties), "description": description}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null (the description says what null means)."""
    kind = schema["type"]
    kinds = kind if isinstance(kind, list) else [kind]
    result = {**schema, "type": [*kinds, "null"]}
    if "enum" in schema:
        result["enum"] = [*schema["enum"], None]
    return result


def error_fields(codes: Iterable[str]) -> dict[str, Any]:
    """What every stream answers to a message it cannot take (streams are read-only)."""
    return fields(
        {
            "code": choice(codes, "Why the message was refused: stable, never translated."),
            "detail": string("A short explanation for developers; not for display."),
        }
    )
