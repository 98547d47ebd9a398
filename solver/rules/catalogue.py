"""The rule catalogue as text: the table `salle rules --markdown` prints and the README embeds."""

from __future__ import annotations

from solver.rules import REGISTRY, Rule


def default_mode(rule: Rule) -> str:
    if not rule.defaults.enabled:
        return "off"
    return "hard" if rule.defaults.hard else "soft"


def meaning(rule: Rule) -> str:
    """What the rule asks, without its `Hard:`/`Soft:` head."""
    return rule.summary.split(":", 1)[1].strip() if ":" in rule.summary else rule.summary


def short_meaning(rule: Rule, width: int) -> str:
    """The meaning in at most `width` characters: without its `(when soft, …)` aside, then cut at a word with
    `…` when still too long."""
    text = meaning(rule)
    if len(text) > width and " (when soft" in text:
        text = text[: text.index(" (when soft")].rstrip(" .,;:") + "."
    if len(text) <= width:
        return text
    cut = text[: max(1, width - 1)]
    if " " in cut[width // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" .,;:(") + "…"


def parameters(rule: Rule) -> str:
    return ", ".join(f"`{k}`={f.default}" for k, f in rule.params.model_fields.items()) or "—"


def markdown_table() -> str:
    lines = ["| rule | default | can be | weight | parameters | unit of penalty | meaning |",
             "|---|---|---|---:|---|---|---|"]
    for name, rule in REGISTRY.items():
        lines.append(f"| `{name}` | {default_mode(rule)} | {' / '.join(rule.modes)} | {rule.defaults.weight} | "
                     f"{parameters(rule)} | {rule.unit} | {meaning(rule)} |")
    return "\n".join(lines) + "\n"


START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"


def embed(readme: str) -> str:
    """The README text with the table between the markers replaced by the registry's."""
    head, rest = readme.split(START, 1)
    return head + START + markdown_table() + END + rest.split(END, 1)[1]


if __name__ == "__main__":  # python -m solver.rules.catalogue README.md: refresh the README's table
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    target.write_text(embed(target.read_text(encoding="utf-8")), encoding="utf-8")
