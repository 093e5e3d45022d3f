"""Comparing what was sent and served with what the recordings show.

- :func:`request_matches`: a request the SDK sent against the recorded request.
- :func:`shape_differences`: a served JSON document against the recorded one, by shape (for the
  emulator's side: its values differ, its shapes must not).
- :func:`value_differences`: two JSON documents, exactly (for decode round trips).
- :func:`untyped_keys`: keys a decoded model tree kept in ``wire_extra`` (keys nobody typed).

Each returns a list of differences, one string each, naming a JSON path (``$.content[0].id``);
an empty list means a match.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs

from tests.conformance._recordings import Recording
from tests.conformance._replay import CLIENT_NAME, INSTANCE, TENANT, CapturedRequest
from welkin_async.models import WelkinModel
from welkin_async.models._base import wire_name

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PAGE_SIZE_PARAMETERS = ("size", "pageSize")
_BOOLEANS = ("true", "false")


def join(path: str, key: str | int) -> str:
    """The JSON path of ``key`` under ``path`` (``$.a``, ``$["cdtf-x"]``, ``$[3]``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


_JSON_TYPES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def json_type(value: Any) -> str:
    """The JSON type of a decoded value; integers and floats are both ``number``."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# --- requests ------------------------------------------------------------------------------------


def expected_path(
    recording: Recording,
    *,
    tenant: str = TENANT,
    instance: str = INSTANCE,
    client_name: str = CLIENT_NAME,
) -> str:
    """The recorded path with the placeholders filled: ``{tenant}``, ``{instance}``, and in the
    token exchange ``{client_name}``."""
    prefix = f"/{tenant}/admin/" if recording.scope == "admin" else f"/{tenant}/{instance}/"
    relative = recording.relative
    if recording.is_token_exchange:
        relative = relative.replace("{client_name}", client_name)
    return prefix + relative


def _normal_query(pairs: list[tuple[str, str]]) -> tuple[dict[str, list[str]], set[str]]:
    """The query without ``page=0`` and the page-size parameter, booleans lower-cased; and the
    names of the page-size parameters it had."""
    normal: dict[str, list[str]] = {}
    sizes: set[str] = set()
    for key, value in pairs:
        if key in _PAGE_SIZE_PARAMETERS:
            sizes.add(key)
            continue
        if key == "page" and value == "0":
            continue
        normal.setdefault(key, []).append(value.lower() if value.lower() in _BOOLEANS else value)
    return normal, sizes


def _json_body(body: bytes) -> tuple[Any, str | None]:
    if not body.strip():
        return None, None
    try:
        return json.loads(body), None
    except ValueError:
        return None, "the sent body is not JSON"


def request_matches(
    recording: Recording,
    captured: CapturedRequest,
    *,
    tenant: str = TENANT,
    instance: str = INSTANCE,
    client_name: str = CLIENT_NAME,
) -> list[str]:
    """How ``captured`` differs from the recorded request (empty: it matches).

    ``tenant``, ``instance`` and ``client_name`` fill the recorded path's placeholders (by
    default the replay server's client's names).

    - the method, and the path exactly (trailing slash included; placeholders filled);
    - the query, except that ``page=0`` may be left out by either side, the page-size parameter
      (``size`` or ``pageSize``) may be absent on either side or differ in value (though when
      both sides send one, it is the same parameter), and boolean values compare
      case-insensitively (``False`` == ``false``); a parameter sent twice is a difference;
    - the JSON body, parsed on both sides (no body is ``null``), exactly as
      :func:`value_differences` compares.
    """
    sent = captured
    differences = []
    if sent.method.upper() != recording.method:
        differences.append(f"method: recorded {recording.method}, sent {sent.method}")
    path = expected_path(recording, tenant=tenant, instance=instance, client_name=client_name)
    if sent.raw_path != path:
        differences.append(f"path: recorded {path}, sent {sent.raw_path}")
    recorded_query, recorded_sizes = _normal_query(list(recording.query.items()))
    sent_query, sent_sizes = _normal_query(list(sent.query.items()))
    for key in sorted(set(recorded_query) | set(sent_query)):
        want, got = recorded_query.get(key), sent_query.get(key)
        if want != got:
            differences.append(f"query {key}: recorded {want}, sent {got}")
    if recorded_sizes and sent_sizes and recorded_sizes != sent_sizes:
        differences.append(
            f"query: the page size is recorded as {sorted(recorded_sizes)}, "
            f"sent as {sorted(sent_sizes)}"
        )
    body, problem = _json_body(sent.body)
    if problem is not None:
        differences.append(f"body: {problem}")
    else:
        differences.extend(f"body {d}" for d in value_differences(recording.request_body, body))
    return differences


# --- documents -----------------------------------------------------------------------------------


def value_differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where two JSON documents differ, exactly: keys, order of arrays, types and values.

    Booleans are not numbers, and an integer is not a float (``1`` is not ``1.0``).
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        differences = [f"{join(path, k)}: missing" for k in expected if k not in actual]
        differences += [f"{join(path, k)}: unexpected" for k in actual if k not in expected]
        for key in expected:
            if key in actual:
                differences += value_differences(expected[key], actual[key], join(path, key))
        return differences
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items expected, {len(actual)} found"]
        differences = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            differences += value_differences(want, got, join(path, index))
        return differences
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: expected {_shown(expected)}, found {_shown(actual)}"]
    return []


# Where a list answer keeps its items: the emulator must serve some where the recording has some,
# or the comparison of their shapes would be empty.
_ITEM_LISTS = ("$", "$.content", "$.data", "$.data.content")
_ANY_ITEM = "[*]"


def _samples(value: Any, where: str, into: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Every recorded value by its generalized path (array indexes as ``[*]``)."""
    into.setdefault(where, []).append(value)
    if isinstance(value, dict):
        for key, item in value.items():
            _samples(item, join(where, key), into)
    elif isinstance(value, list):
        for item in value:
            _samples(item, where + _ANY_ITEM, into)
    return into


def shape_differences(recorded: Any, served: Any) -> list[str]:
    """Where ``served`` does not have the shape of ``recorded`` (empty: same shape).

    The recorded document is read as samples of each *generalized* path (array indexes as
    ``[*]``: ``$.data[*].roles[*].type``), so every item of an array is held to what any recorded
    item at that path showed. At each served value, by its path:

    - **types**: a non-null served value has a JSON type some non-null recorded value there had
      (object, array, string, number, boolean; an integer and a float are both ``number``);
      ``null`` on either side matches any type (a path recorded only as null checks nothing);
    - **objects** have exactly the keys of some recorded object there; otherwise the keys that
      differ from the closest recorded object are named (``recorded, not served`` /
      ``served, not recorded``);
    - **arrays**: each served item is checked at ``[*]``; where every recorded array there was
      empty, nothing is checked. The item list of a list answer (the bare array, ``content``,
      ``data``, ``data.content``) must not be empty where the recorded one was not; any other
      array may be empty (that is data, not shape).
    """
    samples = _samples(recorded, "$", {})
    differences = _differences(samples, served, "$", "$")
    for where in _ITEM_LISTS:
        recorded_items, served_items = _at(recorded, where), _at(served, where)
        if isinstance(recorded_items, list) and recorded_items and served_items == []:
            differences.append(f"{where}: recorded {len(recorded_items)} items, served none")
    return differences


def _at(document: Any, where: str) -> Any:
    for key in where.split(".")[1:]:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def _differences(samples: dict[str, list[Any]], served: Any, path: str, where: str) -> list[str]:
    recorded = [value for value in samples.get(where, ()) if value is not None]
    if served is None or not recorded:
        return []
    kinds = sorted({json_type(value) for value in recorded})
    kind = json_type(served)
    if kind not in kinds:
        return [f"{path}: recorded {' or '.join(kinds)}, served {kind}"]
    differences: list[str] = []
    if isinstance(served, dict):
        key_sets = [set(value) for value in recorded if isinstance(value, dict)]
        if set(served) not in key_sets:
            closest = min(key_sets, key=lambda keys: len(keys ^ set(served)))
            differences += [
                f"{join(path, key)}: recorded, not served" for key in closest - set(served)
            ]
            differences += [
                f"{join(path, key)}: served, not recorded" for key in served if key not in closest
            ]
        for key, value in served.items():
            differences += _differences(samples, value, join(path, key), join(where, key))
    elif isinstance(served, list):
        for index, item in enumerate(served):
            differences += _differences(samples, item, join(path, index), where + _ANY_ITEM)
    return differences


def untyped_keys(value: Any, path: str = "$") -> list[str]:
    """Where a decoded tree kept keys its model does not type (``WelkinModel.wire_extra``).

    Walks models (their fields, by wire name), lists and dicts.
    """
    found: list[str] = []
    if isinstance(value, WelkinModel):
        if value.wire_extra:
            keys = ", ".join(sorted(value.wire_extra))
            found.append(f"{path}: {type(value).__name__} does not type {keys}")
        for attribute in attrs.fields(type(value)):
            if attribute.name != "wire_extra":
                child = getattr(value, attribute.name)
                found += untyped_keys(child, join(path, wire_name(attribute)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += untyped_keys(item, join(path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += untyped_keys(item, join(path, str(key)))
    return found
