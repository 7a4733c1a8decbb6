"""Declared live events: every message a stream sends has a described schema, the check
refuses what was not declared, and the code sends no type that nobody declared.

The suite turns the check on (tests/conftest.py), so every event any test makes is
validated where it is emitted; these tests prove the check itself can fail."""

import ast
import builtins
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from jsonschema import Draft202012Validator

from activities.consumers import ActivityConsumer
from core.event_schema import (
    DeclaredStreamMixin,
    EventInvalid,
    declared_events,
    declared_streams,
    event_catalogue,
    validate_event,
)
from grids.consumers import BoardConsumer
from grids.events import BOARD_STREAM, COMMENT_REMOVED, board_event_emit
from mutualaid.consumers import CampaignConsumer
from reports.consumers import ReportsConsumer
from residents.consumers import MeConsumer
from residents.events import ME_STREAM, user_event_send_on_commit, users_event_send_on_commit

CONSUMERS = (BoardConsumer, MeConsumer, ActivityConsumer, CampaignConsumer, ReportsConsumer)
APPS = ("core", "residents", "grids", "points", "mutualaid", "activities", "family", "reports")
# Messages consumers receive from the channel layer (each names a consumer handler),
# never sent to a client: not events.
CHANNEL_LAYER_MESSAGES = {
    "board.event",
    "access.check",
    "stream.nudge",
    "seats.nudge",
    "campaign.nudge",
    "reports.nudge",
    "session.end",
    "layer.recovered",
    "socket.overflow",
}
JSON_SCHEMA_TYPES = {"object", "array", "string", "integer", "number", "boolean", "null"}


def _declared_types() -> set[str]:
    return {type for events in declared_events().values() for type in events}


def _properties(schema: dict, path: str):
    """Every property of a schema, nested ones too, with where it is."""
    for name, prop in schema.get("properties", {}).items():
        yield f"{path}.{name}", prop
        yield from _properties(prop, f"{path}.{name}")
    items = schema.get("items")
    if isinstance(items, dict):
        yield from _properties(items, f"{path}[]")


# (a) Every declaration is complete.


def test_every_stream_says_where_it_is_and_what_it_carries():
    streams = declared_streams()
    assert set(streams) == {"board", "me", "activity", "campaign", "reports"}
    for stream in streams.values():
        assert stream.path.startswith("/ws/") and stream.description
    assert {c.event_stream for c in CONSUMERS} == set(streams)


def test_every_declared_type_has_a_valid_schema_and_a_description():
    for stream, events in declared_events().items():
        assert events, stream
        for type, declared in events.items():
            assert declared.description.strip(), (stream, type)
            Draft202012Validator.check_schema(declared.schema)
            assert declared.schema["type"] == "object"
            assert declared.schema["properties"]["type"] == {
                "const": type,
                "description": "What happened; selects this schema.",
            }
            assert "type" in declared.schema["required"]
            assert declared.schema["additionalProperties"] is False, (stream, type)


def test_every_field_says_what_a_client_can_rely_on():
    for stream, events in declared_events().items():
        for type, declared in events.items():
            for where, prop in _properties(declared.schema, f"{stream} {type}"):
                assert prop.get("description", "").strip(), where
                if prop.get("type") == "object" and "properties" in prop:
                    assert prop.get("additionalProperties") is False, where


# (b) The check refuses what was not declared.


def test_a_declared_event_passes():
    validate_event(BOARD_STREAM, {"type": "skip", "seq": 3})
    validate_event(ME_STREAM, {"type": "hello", "seq": 0})


@pytest.mark.parametrize(
    ("event", "says"),
    [
        ({"type": "skip"}, "'seq' is a required property"),
        ({"type": "skip", "seq": "3"}, "at seq: '3' is not of type 'integer'"),
        ({"type": "skip", "seq": 0}, "at seq: 0 is less than the minimum of 1"),
        ({"type": "skip", "seq": 3, "author": 5}, "Additional properties are not allowed"),
        (
            {"type": "post.removed", "seq": 1, "grid": 1, "post_id": None},
            "at post_id: None is not of type 'integer'",
        ),
    ],
)
def test_a_payload_that_does_not_match_is_refused(event, says):
    with pytest.raises(EventInvalid, match="does not match its declaration") as refused:
        validate_event(BOARD_STREAM, event)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    "event", [{"type": "post.exploded", "seq": 1}, {"seq": 1}, {"type": ["skip"]}, "skip"]
)
def test_an_undeclared_type_is_refused(event):
    with pytest.raises(EventInvalid, match="is not declared"):
        validate_event(BOARD_STREAM, event)


def test_a_type_of_another_stream_is_refused():
    with pytest.raises(EventInvalid, match=re.escape("'points.earned' is not declared")):
        validate_event(BOARD_STREAM, {"type": "points.earned", "seq": 1})
    with pytest.raises(EventInvalid, match="no live stream 'radio'"):
        validate_event("radio", {"type": "hello"})


@pytest.mark.django_db
def test_the_emitters_refuse_an_undeclared_or_mismatching_event(world):
    user_id = world.resident_a.pk
    with pytest.raises(EventInvalid, match=re.escape("'points.lost' is not declared")):
        user_event_send_on_commit(user_id=user_id, event={"type": "points.lost", "amount": 1})
    with pytest.raises(EventInvalid, match="'grid' is a required property"):
        user_event_send_on_commit(user_id=user_id, event={"type": "membership.verified"})
    with pytest.raises(EventInvalid, match="at role: 'mayor' is not one of"):
        users_event_send_on_commit(
            user_ids=[user_id], event={"type": "role.granted", "role": "mayor"}, nudge_groups=[]
        )
    with (
        transaction.atomic(),
        pytest.raises(EventInvalid, match="'comment_count' is a required property"),
    ):
        board_event_emit(
            grid_id=world.grid_a.pk, type=COMMENT_REMOVED, payload={"post_id": 1, "comment_id": 2}
        )


@pytest.mark.django_db
def test_without_the_setting_nothing_is_checked(world, settings):
    """Production leaves the check off: the fan-out path pays nothing for it."""
    settings.LIVE_EVENTS_VALIDATE = False
    user_event_send_on_commit(user_id=world.resident_a.pk, event={"type": "points.lost"})


class _Sent:
    def __init__(self):
        self.sent: list = []

    async def send_json(self, content, close=False):
        self.sent.append(content)


class _BoardSocket(DeclaredStreamMixin, _Sent):
    event_stream = BOARD_STREAM


@pytest.mark.asyncio
async def test_a_consumer_refuses_to_send_what_its_stream_did_not_declare():
    socket = _BoardSocket()
    await socket.send_json({"type": "hello", "grid": 1, "seq": 0})
    with pytest.raises(EventInvalid, match="'welcome' is not declared"):
        await socket.send_json({"type": "welcome", "grid": 1, "seq": 0})
    with pytest.raises(EventInvalid, match="'grid' is a required property"):
        await socket.send_json({"type": "hello", "seq": 0})
    assert socket.sent == [{"type": "hello", "grid": 1, "seq": 0}]


# (c) The code sends exactly the declared types.


class EmittedTypes:
    """Every event type the apps' code can send, read from the source: string literals (or
    module constants) given as a dict's "type" or a call's `type=`, followed through the
    parameters of helpers (`_tell(user_id, "aid.claim_accepted", claim)`), loops over
    literal tuples and local names."""

    def __init__(self, root: Path):
        self.constants: dict[str, str] = {}
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        self.calls: list[tuple[ast.Call, ast.FunctionDef | None]] = []
        self.sources: list[tuple[ast.expr, ast.FunctionDef | None]] = []
        for app in APPS:
            for path in sorted((root / app).rglob("*.py")):
                if "migrations" in path.parts or path == root / "core" / "event_schema.py":
                    continue  # the registry declares; it sends nothing
                if path.parent == root / "reports" / "open311":
                    continue  # GeoReport v2 documents: a service's "type" is realtime/batch
                tree = ast.parse(path.read_text(encoding="utf-8"))
                self._constants(tree)
                self._visit(tree, None, skip=set())

    def _constants(self, tree: ast.Module) -> None:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    name = target.id if isinstance(target, ast.Name) else ""
                    if name.isupper() and isinstance(node.value.value, str):
                        self.constants[name] = node.value.value

    def _visit(self, node: ast.AST, function, skip: set[int]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.functions.setdefault(node.name, []).append(node)
            function = node
        if isinstance(node, ast.Call):
            self.calls.append((node, function))
            for keyword in node.keywords:
                if keyword.arg == "attrs":  # a form widget's HTML attributes
                    skip.add(id(keyword.value))
                if keyword.arg == "type":
                    self.sources.append((keyword.value, function))
        if isinstance(node, ast.Dict) and id(node) not in skip:
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "type":
                    self.sources.append((value, function))
        for child in ast.iter_child_nodes(node):
            self._visit(child, function, skip)

    def types(self) -> set[str]:
        found: set[str] = set()
        for expr, function in self.sources:
            found |= self._resolve(expr, function, depth=0)
        return found - JSON_SCHEMA_TYPES

    def _resolve(self, expr: ast.expr, function, depth: int) -> set[str]:
        assert depth < 8, ast.unparse(expr)
        if isinstance(expr, ast.Constant):
            return {expr.value} if isinstance(expr.value, str) else set()
        if isinstance(expr, ast.Attribute):
            return {self.constants[expr.attr]} if expr.attr in self.constants else set()
        if not isinstance(expr, ast.Name):
            return set()  # e.g. `event.type`, `event["type"]`: a stored type sent again
        name = expr.id
        if function is not None:
            if name in _parameters(function):
                return self._arguments(function, name, depth)
            looped = self._loop_values(function, name, depth)
            if looped is not None:
                return looped
            assigned = [
                node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            ]
            if assigned:
                return set().union(*(self._resolve(v, function, depth + 1) for v in assigned))
        if name in self.constants:
            return {self.constants[name]}
        assert name[0].isupper() or hasattr(builtins, name), f"cannot follow {name!r}"
        return set()  # a class or a builtin (`type=Path`), not an event type

    def _arguments(self, function, name: str, depth: int) -> set[str]:
        """What the callers of `function` pass as its parameter `name`."""
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        index = positional.index(name) if name in positional else None
        found: set[str] = set()
        for call, caller in self.calls:
            callee = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if callee != function.name:
                continue
            values = [k.value for k in call.keywords if k.arg == name]
            if index is not None and index < len(call.args):
                values.append(call.args[index])
            for value in values:
                found |= self._resolve(value, caller, depth + 1)
        return found

    def _loop_values(self, function, name: str, depth: int) -> set[str] | None:
        for node in ast.walk(function):
            if not isinstance(node, ast.For) or not isinstance(node.iter, ast.Tuple | ast.List):
                continue
            if isinstance(node.target, ast.Name) and node.target.id == name:
                elements = node.iter.elts
            elif isinstance(node.target, ast.Tuple) and name in [
                getattr(t, "id", None) for t in node.target.elts
            ]:
                index = [getattr(t, "id", None) for t in node.target.elts].index(name)
                elements = [e.elts[index] for e in node.iter.elts if isinstance(e, ast.Tuple)]
            else:
                continue
            return set().union(*(self._resolve(e, function, depth + 1) for e in elements))
        return None


def _parameters(function) -> set[str]:
    args = function.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def test_the_code_sends_exactly_the_declared_types():
    emitted = EmittedTypes(settings.BASE_DIR).types()
    assert emitted >= CHANNEL_LAYER_MESSAGES, "the channel-layer list is out of date"
    undeclared = emitted - CHANNEL_LAYER_MESSAGES - _declared_types()
    assert not undeclared, f"sent but never declared: {sorted(undeclared)}"
    unsent = _declared_types() - emitted
    assert not unsent, f"declared but never sent: {sorted(unsent)}"


def test_the_scan_follows_helpers_loops_and_constants():
    emitted = EmittedTypes(settings.BASE_DIR).types()
    assert {
        "aid.claim_accepted",  # _tell(user_id, "aid.claim_accepted", claim)
        "reply.comment",  # for user_id, why in ((…, "reply.post"), (…, "reply.comment"))
        "points.corrected",  # points_changed(entry, type=events.POINTS_CORRECTED)
        "comment.removed",  # board_event_emit(type=events.COMMENT_REMOVED)
        "campaign.snapshot",  # {"type": CAMPAIGN_SNAPSHOT, …}
    } <= emitted
    assert not emitted & {"tel", "date", "datetime-local"}  # form widgets' attrs


def test_channel_layer_messages_are_consumer_handlers_not_events():
    for message in CHANNEL_LAYER_MESSAGES:
        handler = message.replace(".", "_")
        assert any(hasattr(c, handler) for c in CONSUMERS), message
    assert not CHANNEL_LAYER_MESSAGES & _declared_types()


# The declarations are in the API docs.


@pytest.mark.django_db
def test_the_declarations_are_served_to_app_developers(client):
    response = client.get("/api/v1/events/schema/")
    assert response.status_code == 200
    body = response.json()
    assert body == event_catalogue()
    assert body["dialect"] == "https://json-schema.org/draft/2020-12/schema"
    board = body["streams"]["board"]
    assert board["path"] == "/ws/grids/<grid_id>/"
    assert board["events"]["post.removed"]["schema"]["required"] == [
        "type",
        "seq",
        "grid",
        "post_id",
    ]
    served = {type for stream in body["streams"].values() for type in stream["events"]}
    assert served == _declared_types()


@pytest.mark.django_db
def test_the_openapi_document_shows_every_declaration(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/events/schema/"]["get"]
    content = operation["responses"]["200"]["content"]["application/json"]
    (example,) = content["examples"].values()
    assert example["value"] == event_catalogue()
