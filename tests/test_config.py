"""Constraint files: layering key by key, and one clear line per mistake."""

from pathlib import Path

import pytest

from solver.config import default_config, load_config
from solver.errors import InputError
from tests.conftest import ROOT


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(*paths: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_config(list(paths))
    return [str(i) for i in exc.value.issues]


def test_defaults_and_bundled_file_agree() -> None:
    """constraints/default.yaml says what the built-in defaults say."""
    bundled = load_config([ROOT / "constraints" / "default.yaml"])
    for rc in default_config().rules:
        assert bundled[rc.name].settings == rc.settings, rc.name


def test_later_files_override_key_by_key(tmp_path: Path) -> None:
    base = _write(tmp_path, "base.yaml", "room_capacity: {hard: true, weight: 4}\ncapacity_fit: {weight: 2}\n")
    tweak = _write(tmp_path, "tweak.yaml", "room_capacity: {hard: false}\n")
    config = load_config([base, tweak])
    assert config["room_capacity"].settings.hard is False
    assert config["room_capacity"].settings.weight == 4  # kept from base
    assert config["capacity_fit"].settings.weight == 2
    assert config["pins"].mode == "hard"  # untouched rules keep their defaults


def test_true_false_shorthand(tmp_path: Path) -> None:
    config = load_config([_write(tmp_path, "c.yaml", "capacity_fit: false\n")])
    assert config["capacity_fit"].mode == "off" and "capacity_fit" not in [r.name for r in config.enabled]


def test_unknown_rule_names_nearest_and_lists_valid(tmp_path: Path) -> None:
    [line] = _errors(_write(tmp_path, "c.yaml", "speaker_conflit: {enabled: false}\n"))
    assert line.startswith(f"{tmp_path / 'c.yaml'}:1: speaker_conflit: unknown rule 'speaker_conflit'. "
                           "Did you mean 'speaker_conflict'? Valid: all_scheduled, room_conflict, ")


def test_unknown_key_names_allowed_keys(tmp_path: Path) -> None:
    [line] = _errors(_write(tmp_path, "c.yaml", "room_capacity:\n  enabled: true\n  wieght: 3\n"))
    assert ":3: room_capacity.wieght: unknown key 'wieght' for rule room_capacity. Did you mean 'weight'?" in line
    assert "Allowed: enabled, hard, weight" in line


def test_negative_weight_and_wrong_types(tmp_path: Path) -> None:
    lines = _errors(_write(tmp_path, "c.yaml", "room_capacity:\n  weight: -2\npins:\n  enabled: maybe\n"))
    assert any(":2: room_capacity.weight: must be a whole number ≥ 0, got -2" in x for x in lines)
    assert any(":4: pins.enabled:" in x and "'maybe'" in x for x in lines)


def test_soft_only_rule_cannot_be_hard(tmp_path: Path) -> None:
    [line] = _errors(_write(tmp_path, "c.yaml", "capacity_fit: {hard: true}\n"))
    assert "capacity_fit.hard: rule capacity_fit can only be soft" in line


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    [line] = _errors(_write(tmp_path, "c.yaml", "room_capacity:\n  hard: [true\n"))
    assert "not valid YAML" in line and "c.yaml:" in line


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    [line] = _errors(_write(tmp_path, "c.yaml", "- room_capacity\n"))
    assert "must be a mapping of rule names" in line
