"""YAML loading that remembers where each mapping came from, for ``file:line`` errors.

Layout files are data typed by people, and sometimes by an attacker, so the loader is
strict and bounded: libyaml parses (fast, with its own nesting limit), then the node graph
is checked before anything is built — at most :data:`MAX_DEPTH` levels of nesting, aliases
that expand to at most :data:`MAX_EXPANDED_NODES` nodes (a 9-line "billion laughs" is
refused at once), no duplicate keys (checked in linear time), no Python-specific or binary
tags. The ``as_*`` helpers give the loaders strict field types: no truthy strings for a
boolean, no quoted numbers, only finite numbers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 2_000_000
MAX_MAPPING_KEYS = 10_000  # a layout lists its many things (tags, alarms); no mapping is this big
MAX_FILE_BYTES = 32 * 1024 * 1024
_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A YAML file that cannot be parsed; ``str()`` is ``file:line: what is wrong``."""


class _LineLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[object] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen and key_node.value != "<<":
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                )
            seen.add(key_node.value)
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


def _refuse(loader: Any, node: yaml.Node) -> None:
    raise yaml.constructor.ConstructorError(
        None, None, f"the YAML tag {node.tag!r} is not allowed in a layout file", node.start_mark
    )


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
for _tag in ("binary", "set", "omap", "pairs"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)
_LineLoader.add_constructor(None, _refuse)  # any other explicit tag


def _check_graph(root: yaml.Node) -> tuple[int, str]:
    """(0, '') when the composed document is within the depth and alias-expansion limits.

    Iterative (no recursion), linear in the number of distinct nodes: a collection reached
    through an alias counts with its full expanded size, memoised by identity.
    """
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    on_path: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _collections(node)
        if done:
            on_path.discard(key)
            total = 1 + _scalar_count(node) + sum(size[id(c)] for c in children)
            if total > MAX_EXPANDED_NODES:
                return _line(node), f"the aliases expand to more than {MAX_EXPANDED_NODES:,} values (an alias bomb?)"
            size[key] = total
            continue
        if key in size:
            continue
        if depth > MAX_DEPTH:
            return _line(node), f"nested more than {MAX_DEPTH} levels deep"
        if key in on_path:
            return _line(node), "an alias refers to itself"
        if isinstance(node, yaml.MappingNode) and len(node.value) > MAX_MAPPING_KEYS:
            return _line(node), (f"a mapping with {len(node.value):,} keys (more than {MAX_MAPPING_KEYS:,}); "
                                 "list many items instead")
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in size)
    return 0, ""


def _collections(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return [n for n in node.value if not isinstance(n, yaml.ScalarNode)]
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair if not isinstance(n, yaml.ScalarNode)]
    return []


def _scalar_count(node: yaml.Node) -> int:
    if isinstance(node, yaml.SequenceNode):
        return sum(isinstance(n, yaml.ScalarNode) for n in node.value)
    if isinstance(node, yaml.MappingNode):
        return sum(isinstance(k, yaml.ScalarNode) + isinstance(v, yaml.ScalarNode) for k, v in node.value)
    return 0


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1 if node.start_mark else 1


def load_yaml(path: Path) -> Any:
    """Parse ``path``; every mapping gets a ``__line__`` key with its 1-based line."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise YamlFileError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not a layout file")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise YamlFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise YamlFileError(f"{path}:{line}: not UTF-8 text ({exc.reason})") from None
    if "\x00" in text:
        raise YamlFileError(f"{path}:{text[: text.index(chr(0))].count(chr(10)) + 1}: contains a NUL byte; not a text file")
    loader = _LineLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        line, problem = _check_graph(root)  # before anything is built: linear in the distinct nodes
        if problem:
            raise YamlFileError(f"{path}:{line}: {problem}")
        return loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(str(exc.problem or exc.context or "not valid YAML").split())
        raise YamlFileError(f"{path}:{line}: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(f"{path}: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise YamlFileError(f"{path}: nested too deeply") from None
    finally:
        loader.dispose()


# --- strict field types -------------------------------------------------------------------
class FieldError(ValueError):
    """A field of the wrong type or value; the loader adds ``file:line`` and the field name."""


def describe(value: object) -> str:
    """A short description of a wrong value for a message (quoted strings say so)."""
    if isinstance(value, str):
        return f"{value[:40]!r} (text in quotes)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_text(value: object, default: str = "") -> str:
    """A text field: a string (or a plain number, written as the text); never a list or mapping."""
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"must be text, got {describe(value)}")
    return str(value)


def as_bool(value: object, default: bool = False) -> bool:
    """A yes/no field: only YAML ``true``/``false``; ``'false'`` in quotes is refused, not truthy."""
    if value is None:
        return default
    if not isinstance(value, bool):
        raise FieldError(f"must be true or false, got {describe(value)}")
    return value


def as_number(value: object, *, minimum: float | None = None, maximum: float | None = None,
              positive: bool = False, integer: bool = False) -> float:
    """A finite number (not a boolean, not text), optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"must be a number, got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise FieldError(f"{describe(value)} is too large") from None
    if not math.isfinite(number):
        raise FieldError(f"must be a finite number, got {value!r}")
    if integer and not number.is_integer():
        raise FieldError(f"must be a whole number, got {value!r}")
    if positive and number <= 0:
        raise FieldError(f"must be above 0, got {value!r}")
    if minimum is not None and number < minimum:
        raise FieldError(f"must not be below {minimum:g}, got {value!r}")
    if maximum is not None and number > maximum:
        raise FieldError(f"must not be above {maximum:g}, got {value!r}")
    return number


def as_text_list(value: object) -> tuple[str, ...]:
    """A list of texts (``[OPEN, CLOSED]``); a bare string, number or boolean is refused."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FieldError(f"must be a list, got {describe(value)}")
    return tuple(as_text(v) for v in value)
