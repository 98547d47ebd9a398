"""The organizers' constraint files: YAML mapping each rule name to its settings, layered left to right.

```yaml
room_capacity:
  enabled: true
  hard: false   # allowed, but every seat short costs `weight`
  weight: 10
```
Later files override earlier ones key by key. A rule may also be written `capacity_fit: false` (off) or
`capacity_fit: true` (on with its defaults). Errors name the file, the line, the key path and what is allowed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from solver.errors import InputError, Issue, clip, shown
from solver.inputs.load import capped
from solver.inputs.values import MAX_WEIGHT
from solver.rules import REGISTRY, Rule, unknown_name_message
from solver.rules.base import Params, RuleSettings

SETTING_KEYS = tuple(RuleSettings.model_fields)


@dataclass(frozen=True)
class RuleConfig:
    """One rule as configured: the rule, how it is used, and its parameters."""

    rule: Rule
    settings: RuleSettings
    params: Params

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def mode(self) -> str:
        if not self.settings.enabled:
            return "off"
        return "hard" if self.settings.hard else "soft"


@dataclass(frozen=True)
class Config:
    """Every rule of the catalogue with its settings (enabled or not), in the catalogue's order."""

    rules: tuple[RuleConfig, ...]
    files: tuple[str, ...] = ()

    @property
    def enabled(self) -> list[RuleConfig]:
        return [r for r in self.rules if r.settings.enabled]

    def is_hard(self, name: str) -> bool:
        """Whether rule `name` is enabled and hard."""
        return any(r.name == name and r.settings.enabled and r.settings.hard for r in self.rules)

    def with_settings(self, name: str, **changes: object) -> Config:
        """A copy with one rule's settings changed (e.g. `all_scheduled`, hard=False)."""
        rules = tuple(
            RuleConfig(r.rule, r.settings.model_copy(update=changes), r.params) if r.name == name else r
            for r in self.rules
        )
        return Config(rules, self.files)

    def __getitem__(self, name: str) -> RuleConfig:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)


MAX_CONSTRAINT_BYTES = 256 * 1024  # the bundled default.yaml is 2 KB
MAX_DEPTH = 10  # rule: {key: value} needs 2; lists of values 3


class _Refused(Exception):
    """A constraint file uses YAML the loader refuses: its line and what to do instead."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases (`*name`: an alias bomb expands to gigabytes), nesting deeper
    than `MAX_DEPTH` (a recursion bomb) and a key repeated in one mapping (the second silently replaced the
    first)."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark.line + 1, "aliases (*name) are not allowed in a constraint file: "
                                                      "write the value out")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark.line + 1,
                               f"nested more than {MAX_DEPTH} levels deep: a constraint file maps rules to settings")
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:
        node: yaml.MappingNode = super().compose_mapping_node(anchor)  # type: ignore[misc]
        seen: dict[object, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise _Refused(key.start_mark.line + 1, f"the key {shown(key.value)} appears twice in one "
                                                            f"mapping (first on line {seen[key.value]}): keep one")
                seen[key.value] = key.start_mark.line + 1
        return node


def _lines(node: yaml.Node | None, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """1-based line of every key path in a YAML document, for error messages."""
    out: dict[tuple[str, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            out[path] = key.start_mark.line + 1
            out.update(_lines(value, path))
    return out


def _parse(text: str) -> tuple[Any, yaml.Node | None]:
    """The document's data and its node tree (for the lines of keys), composed once by `_Loader`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _read_file(path: Path) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, ...], int], list[Issue]]:
    name = str(path)
    from solver.inputs.files import NotReadable, read_limited

    try:
        text = read_limited(path, MAX_CONSTRAINT_BYTES, "constraint file", "a constraint file is limited to"
                            ).decode("utf-8-sig")
    except NotReadable as exc:
        return {}, {}, [Issue(name, exc.message)]
    except OSError as exc:
        return {}, {}, [Issue(name, f"cannot read the constraint file: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return {}, {}, [Issue(name, f"not valid UTF-8 (byte {exc.start}): save it as UTF-8")]
    try:
        data, node = _parse(text)
        lines = _lines(node)
    except _Refused as exc:
        return {}, {}, [Issue(name, exc.message, row=exc.line)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return {}, {}, [Issue(name, f"not valid YAML: {problem}", row=mark.line + 1 if mark else None)]
    if data is None:
        return {}, {}, []
    if not isinstance(data, dict):
        return {}, {}, [Issue(name, "must be a mapping of rule names to settings (rule: {enabled: true, ...})")]
    rules: dict[str, dict[str, Any]] = {}
    issues: list[Issue] = []
    for raw_name, value in data.items():
        rule_name = str(raw_name)
        row = lines.get((rule_name,))
        if rule_name not in REGISTRY:
            issues.append(Issue(name, unknown_name_message("rule", clip(rule_name), list(REGISTRY)), row,
                                clip(rule_name)))
            continue
        if value is None:
            value = {}
        elif isinstance(value, bool):
            value = {"enabled": value}
        if not isinstance(value, dict):
            issues.append(Issue(name, "expected a mapping such as {enabled: true, hard: true, weight: 10}, "
                                      f"or true/false; got {shown(value)}", row, rule_name))
            continue
        rule = REGISTRY[rule_name]
        allowed = [*SETTING_KEYS, *rule.params.model_fields]
        for key in value:
            if str(key) not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" Did you mean '{near[0]}'?" if near else ""
                issues.append(Issue(name, f"unknown key {shown(str(key))} for rule {rule_name}.{hint} "
                                          f"Allowed: {', '.join(allowed)}",
                                    lines.get((rule_name, str(key)), row), f"{rule_name}.{clip(str(key))}"))
        rules[rule_name] = {str(k): v for k, v in value.items() if str(k) in allowed}
    return rules, lines, issues


def _too_big(values: dict[str, Any], rule: str, origin: dict[str, tuple[str, int | None]]) -> list[Issue]:
    """Weights and numeric parameters above `MAX_WEIGHT` (or floats that are not whole numbers)."""
    issues = []
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if abs(value) > MAX_WEIGHT or (isinstance(value, float) and not value.is_integer()):
            file, row = origin.get(key, ("<defaults>", None))
            issues.append(Issue(file, f"must be a whole number between 0 and {MAX_WEIGHT:,} (weights are capped "
                                      f"so that the objective stays exact), got {shown(value)}", row,
                                f"{rule}.{key}"))
    return issues


def _pydantic_issues(exc: ValidationError, rule: str, origin: dict[str, tuple[str, int | None]]) -> list[Issue]:
    out = []
    for err in exc.errors():
        key = str(err["loc"][0]) if err["loc"] else ""
        file, row = origin.get(key, ("<defaults>", None))
        msg = str(err["msg"])
        if err["type"] == "greater_than_equal":
            msg = f"must be a whole number ≥ {err.get('ctx', {}).get('ge')}, got {shown(err.get('input'))}"
        elif err["type"].startswith(("int_", "bool_", "float_")):
            msg = f"{msg}, got {shown(err.get('input'))}"
        out.append(Issue(file, msg, row, f"{rule}.{key}" if key else rule))
    return out


def load_config(paths: list[Path] | tuple[Path, ...] = ()) -> Config:
    """Layer the constraint files over the built-in defaults; raise `InputError` naming every problem."""
    issues: list[Issue] = []
    merged: dict[str, dict[str, Any]] = {}
    origin: dict[str, dict[str, tuple[str, int | None]]] = {}
    for path in paths:
        rules, lines, found = _read_file(Path(path))
        issues += found
        for rule_name, values in rules.items():
            merged.setdefault(rule_name, {}).update(values)
            for key in values:
                origin.setdefault(rule_name, {})[key] = (str(path), lines.get((rule_name, key)))
    configured: list[RuleConfig] = []
    for rule in REGISTRY.values():
        values = merged.get(rule.name, {})
        where = origin.get(rule.name, {})
        settings_in = {k: v for k, v in values.items() if k in SETTING_KEYS}
        params_in = {k: v for k, v in values.items() if k not in SETTING_KEYS}
        too_big = _too_big(values, rule.name, where)
        if too_big:
            issues += too_big
            continue
        try:
            settings = RuleSettings.model_validate({**rule.defaults.model_dump(), **settings_in}, strict=True)
            params = rule.params.model_validate(params_in)
        except ValidationError as exc:
            issues += _pydantic_issues(exc, rule.name, where)
            continue
        mode = "hard" if settings.hard else "soft"
        if settings.enabled and mode not in rule.modes:
            file, row = where.get("hard", ("<defaults>", None))
            issues.append(Issue(file, f"rule {rule.name} can only be {' or '.join(rule.modes)}", row,
                                f"{rule.name}.hard"))
            continue
        configured.append(RuleConfig(rule, settings, params))
    if issues:
        raise InputError(capped(issues))
    return Config(tuple(configured), tuple(str(p) for p in paths))


def default_config() -> Config:
    return load_config([])
