"""The template and the catalogues kept in step with the code: `python -m solver.language extract | update | init`.

`extract` reads every sentence of the code (the `say` / `say_n` calls with literals of the modules importing
solver.language), every rule's unit and summary (read from its module's source, not imported), and the keyed texts
of en.po; `salle.pot` is that catalogue as salle writes PO files. `update` also merges it into every
`<language>.po`; `init` starts a new one.
"""

from __future__ import annotations

import ast
import re
import sys
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from solver.language.catalogue import (
    DESK,
    ENGLISH,
    PAGE,
    SUMMARY,
    TEMPLATE,
    UNIT,
    folder,
    forget,
    parse_locale,
    read_catalogue,
)

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

KEYWORDS = {"say": None, "say_n": (1, 2)}  # what the extraction looks for in the code
SPEAKS = re.compile(r"^\s*from solver(?:\.language import| import language\b)", re.M)
PACKAGE = "language"  # this package, under solver/
OWN = ("__init__.py",)  # its modules that say sentences to users (`moment`, `when`); the others say none

HEADER = """\
# salle's sentences and texts, to translate: copy this template to <language>.po
# (python -m solver.language init <language>), translate every msgstr, and salle speaks it.
# Sentences keep their {fields}; keyed texts (msgctxt "page", "desk") show their English above them.
msgid ""
msgstr ""
"Project-Id-Version: salle\\n"
"Language: {language}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"

"""


def speaking_modules(root: Path) -> list[Path]:
    """The modules whose `say` and `say_n` are this package's: those importing solver.language (another module
    may call a printer `say`), and this package's own `OWN`."""
    own = root / PACKAGE
    return sorted(p for p in root.rglob("*.py")
                  if (p.parent == own and p.name in OWN)
                  or (p.parent != own and SPEAKS.search(p.read_text(encoding="utf-8"))))


def extract(package: Path | None = None) -> Catalog:
    """Every sentence of the code (calls of `say` and `say_n` with literals in the modules importing
    solver.language), then the rules' units and summaries, then the keyed texts of en.po."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract as extract_from

    root = package or Path(__file__).parent.parent
    catalog = Catalog(project="salle", fuzzy=False)
    for path in speaking_modules(root):
        where = f"solver/{path.relative_to(root).as_posix()}"
        with path.open("rb") as fh:
            found = list(extract_from("python", fh, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                                      strip_comment_tags=True))
        for lineno, message, comments, context in found:
            entry = catalog.get(message, context)
            if entry is not None:
                if all(place != where for place, _ in entry.locations):
                    entry.locations.append((where, lineno))  # written without its line number
                continue
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    rules = [(f"solver/{path.relative_to(root).as_posix()}", _rule_texts(path))
             for path in sorted((root / "rules").glob("*.py"))]
    for where, texts in rules:
        if "UNIT" in texts:
            catalog.add(texts["UNIT"], None, [(where, 0)], auto_comments=[f"the unit of the rule {texts['NAME']}"],
                        context=UNIT)
    for where, texts in rules:
        if "UNIT" in texts and texts["summary"].startswith(("Hard:", "Soft:")):
            catalog.add(texts["summary"], None, [(where, 0)], context=SUMMARY,
                        auto_comments=[f"the summary of the rule {texts['NAME']} (Hard: or Soft:, its default mode)"])
    english_po = root / "locales" / f"{ENGLISH}.po"
    if english_po.is_file():
        for m in read_catalogue(english_po, ENGLISH):
            if not m.id or m.context not in (PAGE, DESK):
                continue
            english = m.string if isinstance(m.string, str) else " | ".join(m.string or ())
            catalog.add(m.id, ("", "") if m.pluralizable else "", auto_comments=[f"English: {english}"],
                        context=m.context)
    return catalog


def _rule_texts(path: Path) -> dict[str, str]:
    """A rule module's `NAME` (else its file's name), `UNIT` when it has one and `summary` (the first line of its
    docstring, as solver.rules reads it), read from its source: the module is not imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = (ast.get_docstring(tree, clean=False) or "").strip().splitlines()
    texts = {"NAME": path.stem, "summary": lines[0] if lines else ""}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("NAME", "UNIT"):
                    texts[target.id] = node.value.value
    return texts


def po_text(catalog: Catalog, language: str = "", plural: str = "nplurals=2; plural=(n != 1);") -> str:
    """A catalogue as salle writes its PO files: a fixed header, no line numbers (so that moving code changes
    nothing), messages in the order of the code."""
    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, catalog, width=116, omit_header=True, include_lineno=False, ignore_obsolete=True)
    return HEADER.replace("{language}", language).replace("{plural}", plural) + buffer.getvalue().decode("utf-8")


def template_text() -> str:
    """salle.pot as the code makes it now (a test checks that the file is this)."""
    return po_text(extract())


def init(language: str) -> Path:
    """A new catalogue `locales/<language>.po` from the template, its plural rule set (FileExistsError if any)."""
    from babel.messages.plurals import get_plural

    parse_locale(language)
    target = folder() / f"{language}.po"
    if target.exists():
        raise FileExistsError(f"{target} exists: `update` refreshes it")
    rule = get_plural(language)
    target.write_text(po_text(extract(), language, f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"),
                      encoding="utf-8")
    return target


def update() -> list[Path]:
    """salle.pot refreshed from the code, and merged into every catalogue (translations kept, new messages left
    to translate, messages gone from the code dropped); en.po keeps only its keyed texts."""
    from babel.messages.plurals import get_plural

    locales = folder()
    template = extract()
    written = [locales / TEMPLATE]
    (locales / TEMPLATE).write_text(po_text(template), encoding="utf-8")
    for path in sorted(locales.glob("*.po")):
        if path.stem == ENGLISH:
            continue
        catalog = read_catalogue(path, path.stem)
        catalog.update(template, no_fuzzy_matching=True)
        try:
            plural = f"nplurals={catalog.num_plurals}; plural={catalog.plural_expr};"
        except (ValueError, TypeError):
            rule = get_plural(path.stem)
            plural = f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
        path.write_text(po_text(catalog, path.stem, plural), encoding="utf-8")
        written.append(path)
    forget()
    return written


def main(argv: list[str]) -> int:
    usage = ("usage: python -m solver.language extract | update | init LANGUAGE\n"
             "  extract: write solver/locales/salle.pot from the code\n"
             "  update:  extract, then merge the template into every <language>.po\n"
             "  init:    start solver/locales/LANGUAGE.po from the template")
    locales = folder()
    if argv[:1] == ["extract"] and len(argv) == 1:
        (locales / TEMPLATE).write_text(template_text(), encoding="utf-8")
        print(f"wrote {locales / TEMPLATE}")
        return 0
    if argv[:1] == ["update"] and len(argv) == 1:
        for path in update():
            print(f"wrote {path}")
        return 0
    if argv[:1] == ["init"] and len(argv) == 2:
        try:
            print(f"wrote {init(argv[1])}: translate its msgstr lines")
        except (FileExistsError, ValueError) as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    print(usage, file=sys.stderr)
    return 2
