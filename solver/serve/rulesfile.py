"""The rules panel's changes written into a constraint file as an organizer would edit it by hand: the lines of
the rules it changes are replaced or added, every other line (comments included) is kept as it was."""

from __future__ import annotations

import re

import yaml

TOP = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(?P<rest>.*)$")
HEADER = "# Written by `salle serve` (the rules panel); layered last, after the other constraint files.\n"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _comment(rest: str) -> str:
    """The trailing ` # comment` of a YAML line's value part ('' when none)."""
    match = re.search(r"\s+#.*$", rest)
    return match.group(0) if match else ""


def updated_constraints(text: str, changes: dict[str, dict[str, object]]) -> str:
    """`text` (a constraint file, maybe empty) with each rule's settings in `changes` set, e.g.
    `{"room_capacity": {"hard": False, "weight": 10}}`."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for rule, settings in changes.items():
        lines = _set_rule(lines, rule, settings)
    out = "".join(lines)
    if not out.strip():
        out = HEADER
    loaded = yaml.safe_load(out)
    if loaded is not None and not isinstance(loaded, dict):  # pragma: no cover (the lines above keep a mapping)
        raise ValueError("the constraint file is not a mapping of rules")
    return out


def _set_rule(lines: list[str], rule: str, settings: dict[str, object]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if (m := TOP.match(line)) and m.group("key") == rule), None)
    body = [f"  {key}: {_value(value)}\n" for key, value in settings.items()]
    if start is None:
        if not lines:
            lines = [HEADER]
        if lines[-1].strip():
            lines.append("\n")
        return [*lines, f"{rule}:\n", *body]
    match = TOP.match(lines[start])
    assert match is not None
    rest = match.group("rest")
    inline = rest.split("#", 1)[0].strip()
    if inline:  # `rule: false`, `rule: true` or a flow mapping: written out as a block
        before = yaml.safe_load(inline)
        keep: dict[str, object] = {}
        if isinstance(before, bool):
            keep["enabled"] = before
        elif isinstance(before, dict):
            keep.update(before)
        keep.update(settings)
        block = [f"  {key}: {_value(value)}\n" for key, value in keep.items()]
        return [*lines[:start], f"{rule}:{_comment(rest)}\n", *block, *lines[start + 1:]]
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
        end += 1
    block = lines[start + 1:end]
    indent = next((re.match(r"^\s+", b).group(0) for b in block  # type: ignore[union-attr]
                   if b.strip() and not b.lstrip().startswith("#") and re.match(r"^\s+", b)), "  ")
    for key, value in settings.items():
        pattern = re.compile(rf"^(\s+){key}\s*:(.*)$")
        for i, line in enumerate(block):
            found = pattern.match(line.rstrip("\n"))
            if found:
                block[i] = f"{found.group(1)}{key}: {_value(value)}{_comment(found.group(2))}\n"
                break
        else:
            block.insert(0, f"{indent}{key}: {_value(value)}\n")
    return [*lines[:start + 1], *block, *lines[end:]]
