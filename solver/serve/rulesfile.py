"""The rules panel's changes written into a constraint file as an organizer would edit it by hand.

The file is parsed (PyYAML's composer says where each rule and each setting is, whatever the key's quoting or
the value's style) and only the values that change are rewritten in place: a setting the rule lacks is added
above its first one, a rule the file lacks is appended, a rule written inline (`rule: false`, `rule: {weight:
3}`) is written out as a block. Every other character (comments, quoting, order, blank lines) is kept. A file
whose whole mapping is written inline (`{rule: {...}}`) is written out again as a block, without its comments.

The result is not trusted blindly: the desk's Save loads it with salle's own loader before anything is replaced.
"""

from __future__ import annotations

import json

import yaml

from solver.language import say

HEADER = "# Written by `salle serve` (the rules panel); layered last, after the other constraint files.\n"


class RulesFileError(ValueError):
    """The constraint file cannot be edited (not YAML, not a mapping, a rule named twice)."""


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: a string or a list stays what it was


def updated_constraints(text: str, changes: dict[str, dict[str, object]]) -> str:
    """`text` (a constraint file, maybe empty) with each rule's settings in `changes` set, e.g.
    `{"room_capacity": {"hard": False, "weight": 10}}`; RulesFileError when the text cannot be edited."""
    text = text.removeprefix("\ufeff")
    for rule, settings in changes.items():
        text = _set_rule(text, rule, settings)
    return text if text.strip() else HEADER


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or exc
        if mark is not None:
            raise RulesFileError(say("is not valid YAML (line {line}): {problem}", line=mark.line + 1,
                                     problem=problem)) from None
        raise RulesFileError(say("is not valid YAML: {problem}", problem=problem)) from None


def _named(mapping: yaml.MappingNode, name: str) -> list[tuple[yaml.Node, yaml.Node]]:
    return [(k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == name]


def _set_rule(text: str, rule: str, settings: dict[str, object]) -> str:
    nl = "\r\n" if "\r\n" in text else "\n"
    root = _compose(text)
    if root is None:  # empty, or comments only: they stay, the rule follows
        return _append(text if text.strip() else HEADER.replace("\n", nl), rule, settings, nl)
    if not isinstance(root, yaml.MappingNode):
        raise RulesFileError(say("is not a mapping of rule names to settings"))
    if root.flow_style:
        return _rewritten(text, rule, settings)
    found = _named(root, rule)
    if len(found) > 1:
        raise RulesFileError(say("names the rule {rule} twice", rule=rule))
    if not found:
        return _append(text, rule, settings, nl)
    key, value = found[0]
    if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
        return _set_in_block(text, value, settings, nl)
    return _as_block(text, key, value, rule, settings, nl)


def _block(settings: dict[str, object], indent: int, nl: str) -> str:
    return "".join(f"{' ' * indent}{key}: {_scalar(value)}{nl}" for key, value in settings.items())


def _append(text: str, rule: str, settings: dict[str, object], nl: str) -> str:
    if text and not text.endswith("\n"):
        text += nl
    last = text.rstrip("\r\n").rsplit("\n", 1)[-1] if text.strip() else ""
    if last.strip() and not last.lstrip().startswith("#"):
        text += nl
    return f"{text}{rule}:{nl}{_block(settings, 2, nl)}"


def _set_in_block(text: str, mapping: yaml.MappingNode, settings: dict[str, object], nl: str) -> str:
    """Each setting's value replaced where it stands (its key, quoting and trailing comment kept); a setting the
    block lacks inserted before its first key, at the same indentation."""
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in `text`
    missing: dict[str, object] = {}
    for key, value in settings.items():
        found = _named(mapping, key)
        if not found:
            missing[key] = value
            continue
        node = found[-1][1]
        if not isinstance(node, yaml.ScalarNode):
            raise RulesFileError(say("gives {key} a value that is not a number or true/false", key=key))
        start, end = node.start_mark.index, node.end_mark.index
        gap = " " if start == end or text[start - 1:start] == ":" else ""  # `weight:` with no value yet
        edits.append((start, end, gap + _scalar(value)))
    if missing:
        first = mapping.value[0][0].start_mark
        line_start = first.index - first.column
        edits.append((line_start, line_start, _block(missing, first.column, nl)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _as_block(text: str, key: yaml.Node, value: yaml.Node, rule: str, settings: dict[str, object],
              nl: str) -> str:
    """`rule: false`, `rule:` or `rule: {weight: 3}` written out as a block with the new settings (the line's
    trailing comment kept on the rule's line)."""
    before = (yaml.safe_load(text) or {}).get(rule)
    kept: dict[str, object] = {}
    if isinstance(before, bool):
        kept["enabled"] = before
    elif isinstance(before, dict):
        kept.update({str(k): v for k, v in before.items()})
    elif before is not None:
        raise RulesFileError(say("gives the rule {rule} a value that is not a mapping or true/false", rule=rule))
    kept.update(settings)
    start, end = value.start_mark.index, value.end_mark.index
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[end:line_end].rstrip("\r")  # spaces and a comment, if any
    head = text[:start].rstrip(" \t")
    return f"{head}{rest}{nl}{_block(kept, key.start_mark.column + 2, nl)}{text[line_end + 1:]}"


def _rewritten(text: str, rule: str, settings: dict[str, object]) -> str:
    data = yaml.safe_load(text)
    current = data.get(rule)
    merged = {"enabled": current} if isinstance(current, bool) else dict(current or {})
    merged.update(settings)
    data[rule] = merged
    return HEADER + yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)
