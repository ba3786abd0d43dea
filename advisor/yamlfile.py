"""Parse one YAML file safely into plain values that remember their line numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.errors import Problem, Where

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 2 * 1024 * 1024


class YamlMap(dict[str, Any]):
    """A mapping from a YAML file, with the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class YamlList(list[Any]):
    """A sequence from a YAML file, with the line of the sequence and of each item."""

    line: int = 0
    item_lines: list[int]


def parse(data: bytes, name: str) -> tuple[Any, list[Problem]]:
    """Parse YAML bytes with `yaml.safe_load` semantics; return the value and any problems."""
    if len(data) > MAX_BYTES:
        return None, [
            Problem(
                Where(name),
                f"the file is {len(data) // 1024} KiB; a rule file may be at most "
                f"{MAX_BYTES // 1024} KiB",
                "split it into several smaller files",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [Problem(Where(name, line), "the file is not UTF-8 text", "save it as UTF-8")]
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.lstrip(" ")
        if stripped.startswith("\t"):
            return None, [
                Problem(
                    Where(name, number),
                    "a tab is used for indentation",
                    "YAML indents with spaces only: replace the tab with spaces",
                )
            ]
    import yaml  # here, not at the top: a cached rule book never needs it

    # libyaml's parser when PyYAML has it: the same safe constructors, many times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        return _convert(node, loader, name, set())
    except _Refused as err:
        line = err.mark.line + 1
        return None, [Problem(Where(name, line), f"YAML syntax: {err}", _syntax_hint(str(err)))]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        problem = err.problem or err.context or "YAML syntax error"
        if err.context and err.context_mark and err.context_mark.line + 1 != line:
            problem += f" ({err.context} that began at line {err.context_mark.line + 1})"
        return None, [Problem(Where(name, line), f"YAML syntax: {problem}", _syntax_hint(problem))]
    except yaml.YAMLError as err:
        return None, [Problem(Where(name), f"YAML syntax: {err}", "check the file's indentation")]
    finally:
        loader.dispose()


def _syntax_hint(problem: str) -> str:
    if "tag" in problem:
        return "rule files hold plain text, lists and mappings only; remove the '!' tag"
    if "mapping values" in problem:
        return "a value containing ': ' must be quoted"
    return "check the indentation and quoting around this line"


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Refused(Exception):
    """A YAML feature rule files may not use, at the place it was used."""

    def __init__(self, problem: str, mark: yaml.Mark) -> None:
        super().__init__(problem)
        self.mark = mark


def _convert(node: yaml.Node, loader: Any, name: str, seen: set[int]) -> tuple[Any, list[Problem]]:
    """Turn a composed node into values; aliases are refused so no file can blow up in size."""
    import yaml

    problems: list[Problem] = []

    def walk(n: yaml.Node) -> Any:
        if id(n) in seen:
            raise _Refused("anchors and aliases (& and *) are not supported", n.start_mark)
        seen.add(id(n))
        if not isinstance(n, yaml.ScalarNode) and n.tag not in _PLAIN_TAGS:
            raise _Refused(f"the tag {n.tag} is not supported", n.start_mark)
        if isinstance(n, yaml.MappingNode):
            result = YamlMap()
            result.line = n.start_mark.line + 1
            result.key_lines = {}
            for key_node, value_node in n.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused("merge keys (<<) are not supported", key_node.start_mark)
                key = walk(key_node)
                line = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    problems.append(Problem(Where(name, line), f"the key {key!r} is not text"))
                    key = str(key)
                if key in result:
                    problems.append(
                        Problem(
                            Where(name, line),
                            f"the key '{key}' appears twice in one mapping "
                            f"(first at line {result.key_lines[key]})",
                            "keep one of them",
                        )
                    )
                    continue
                result[key] = walk(value_node)
                result.key_lines[key] = line
            return result
        if isinstance(n, yaml.SequenceNode):
            items = YamlList()
            items.line = n.start_mark.line + 1
            items.item_lines = []
            for item in n.value:
                items.append(walk(item))
                items.item_lines.append(item.start_mark.line + 1)
            return items
        return loader.construct_object(n, deep=True)

    return walk(node), problems
