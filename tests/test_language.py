"""One gettext catalogue per language (solver/locales/*.po, read with Babel): every sentence of the code is
translated into French with the same fields, the template is never stale, sentences follow the conference's
language, and a third language is a PO file dropped in the folder."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from solver import language
from solver.config import load_config
from solver.inputs import load_problem
from solver.inputs.conference import ConferenceFile
from solver.judge import judge
from solver.language import (
    DESK,
    PAGE,
    SUMMARY,
    UNIT,
    chosen,
    clock,
    for_conference,
    read_catalogue,
    say,
    say_n,
    speaking,
    summary,
    template_text,
    when,
)
from solver.publish.locale import texts
from solver.publish.report import report_markdown
from solver.rules import REGISTRY
from solver.schedule import Assignment, Schedule
from tests.conftest import ROOT, make_conference

FIELD = re.compile(r"\{(\w+)")


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def messages(path: Path, name: str) -> dict[tuple[str | None, str], object]:
    return {(m.context, m.id[0] if isinstance(m.id, tuple | list) else m.id): m
            for m in read_catalogue(path, name) if m.id}


# -- (a) the catalogues are complete ------------------------------------------------------------------------------
def test_every_sentence_of_the_code_is_translated_into_french_with_the_same_fields() -> None:
    template = language.extract()
    french = messages(language.LOCALES / "fr.po", "fr")
    sentences = [m for m in template if m.id and m.context in (None, UNIT, SUMMARY)]
    assert len(sentences) > 200  # the judge's, the explanations', report.md's, the desk's, the rules' texts
    for m in sentences:
        key = m.id[0] if isinstance(m.id, tuple | list) else m.id
        found = french.get((m.context, key))
        assert found is not None and not found.fuzzy, f"fr.po lacks {key!r}"
        if isinstance(m.id, tuple | list):
            wanted = fields(m.id[0]) | fields(m.id[1])
            forms = list(found.string)
            assert all(forms) and all(fields(f) <= wanted | {"n"} for f in forms), key
            assert fields(forms[-1]) == wanted, key
        else:
            assert found.string, f"fr.po leaves {key!r} untranslated"
            assert fields(found.string) == fields(m.id), key


def test_french_has_every_keyed_text_of_english_with_the_same_fields() -> None:
    english = messages(language.LOCALES / "en.po", "en")
    french = messages(language.LOCALES / "fr.po", "fr")
    keyed = {k: m for k, m in english.items() if k[0] in (PAGE, DESK)}
    assert len(keyed) > 150
    for key, m in keyed.items():
        assert key in french and french[key].string, key
        strings = lambda s: [s] if isinstance(s, str) else list(s)  # noqa: E731
        assert {frozenset(fields(s)) for s in strings(french[key].string)} \
            == {frozenset(fields(s)) for s in strings(m.string)}, key


def test_the_template_is_what_the_code_says_now() -> None:
    """salle.pot is refreshed with `python -m solver.language extract` (or `update`) whenever a sentence
    changes: a translator always starts from the sentences salle says."""
    assert (language.LOCALES / language.TEMPLATE).read_text(encoding="utf-8") == template_text()


def test_the_extract_command_writes_the_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "locales"
    shutil.copytree(language.LOCALES, folder)
    (folder / language.TEMPLATE).unlink()
    monkeypatch.setattr(language, "LOCALES", folder)
    assert language.main(["extract"]) == 0
    assert (folder / language.TEMPLATE).read_text(encoding="utf-8") == template_text()


def test_every_rules_summary_is_in_the_template_and_translated_into_french() -> None:
    """A rule's summary (the first line of its docstring) is a message of its own (msgctxt `summary`): the French
    says the default mode first, « Stricte : » or « Souple : », as the English says `Hard:` or `Soft:`."""
    template = messages(language.LOCALES / language.TEMPLATE, "en")
    french = messages(language.LOCALES / "fr.po", "fr")
    assert len(REGISTRY) >= 47
    for name, rule in REGISTRY.items():
        assert (SUMMARY, rule.summary) in template, name
        found = french.get((SUMMARY, rule.summary))
        assert found is not None and found.string and not found.fuzzy, f"fr.po lacks the summary of {name}"
        head = "Stricte\u00a0: " if rule.summary.startswith("Hard:") else "Souple\u00a0: "
        assert found.string.startswith(head), name
        with speaking("fr_CA"):
            assert summary(rule.summary) == found.string
        assert summary(rule.summary) == rule.summary  # English outside any speaking block


def test_a_french_desk_and_explanation_give_the_rules_summaries_in_french(tmp_path: Path) -> None:
    from dataclasses import replace

    from solver.explain import _say
    from tests.test_serve_api import PLACES, Tab, client_for

    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    rows = "".join(f"{sid},{room},{slot}\n" for sid, (room, slot) in PLACES.items())
    (tmp_path / "start.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    panel = {r["rule"]: r for r in Tab(client_for(tmp_path, locale="fr_CA")).get("/api/state")["state"]["rules"]}
    assert panel["room_capacity"]["summary"] == ("Stricte\u00a0: le public attendu d’une séance tient dans sa salle "
                                                 "(en mode souple, chaque place manquante coûte le poids).")
    assert panel["capacity_fit"]["summary"].startswith("Souple\u00a0: peu de places vides\u00a0:")
    english = {r["rule"]: r for r in Tab(client_for(tmp_path, locale="en")).get("/api/state")["state"]["rules"]}
    assert english["room_capacity"]["summary"] == REGISTRY["room_capacity"].summary

    problem = load_problem(ROOT / "inputs")
    rc = load_config([])["room_closures"]
    bare = replace(rc, rule=replace(rc.rule, core_sentence=None))  # a core's guard the rule does not say itself
    with speaking("fr_CA"):
        french = _say(bare, problem, "AUD").sentence
    assert french == ("room_closures (AUD)\u00a0: aucune séance n’occupe une salle pendant qu’elle est fermée "
                      "(un room_id dans unavailability.csv).")
    assert _say(bare, problem, "AUD").sentence == ("room_closures (AUD): no session uses a room while it is closed "
                                                  "(a room_id in unavailability.csv).")


# -- (b) sentences follow the conference's language ------------------------------------------------------------
def _seed_with_violations() -> tuple[object, Schedule]:
    problem = load_problem(ROOT / "inputs")
    schedule = Schedule((Assignment("EC-CNR", "B-2310", "J1-1330"), Assignment("EC-COP", "B-2310", "J1-1330"),
                         Assignment("EC-MIS", "AUD", "J1-1515")))
    return problem, schedule


def test_the_french_seed_is_judged_in_french_with_french_clock_times() -> None:
    problem, schedule = _seed_with_violations()
    verdict = judge(problem, schedule, load_config([]))  # type: ignore[arg-type]
    assert verdict.locale == "fr_CA" and not verdict.ok
    said = {v.rule: v.message for v in verdict.hard}
    assert "EC-CNR attend 85 personnes, mais Salle B-2310 compte 45 places (il en manque 40)" in [
        v.message for v in verdict.hard]
    assert said["room_conflict"].startswith("Salle B-2310 accueille 2 séances en même temps le 13 mai, 13 h 30\u00a0:")
    assert "EC-CNR «\u00a0Le Conseil national" in said["room_conflict"]
    assert "13 mai, 15 h 15 – 16 h 30" in said["room_closures"]
    assert all(not re.search(r"\d(?:AM|PM)|\d:\d\d|\d\dh\d\d|\d{4}-\d\d-\d\d", v.message)
               for v in verdict.hard + verdict.soft)


def test_an_english_conference_is_judged_in_english_with_english_clock_times(tmp_path: Path) -> None:
    folder = make_conference(
        tmp_path / "c", rooms=[{"room_id": "R1", "name": "Room 1", "capacity": 20}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "13:30", "end": "14:45"}],
        sessions=[{"session_id": "S1", "title": "The keynote", "attendance": 30},
                  {"session_id": "S2", "title": "The workshop", "attendance": 10}])
    problem = load_problem(folder)
    schedule = Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R1", "T1")))
    verdict = judge(problem, schedule, load_config([]))
    assert verdict.locale == "en"
    said = {v.rule: v.message for v in verdict.hard}
    assert "S1 expects 30 people but Room 1 seats 20 (10 short)" in [v.message for v in verdict.hard]
    assert said["room_conflict"].startswith("Room 1 holds 2 sessions at once on May 13, 1:30\u00a0PM: "
                                            "S1 « The keynote » (Room 1, May 13, 1:30 – 2:45\u00a0PM)")


def test_conference_yaml_chooses_the_language_and_a_caller_may_choose_another(tmp_path: Path) -> None:
    problem, schedule = _seed_with_violations()
    folder = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs", folder)
    (folder / "conference.yaml").write_text("locale: en\n", encoding="utf-8")
    english = load_problem(folder)
    assert judge(english, schedule, load_config([])).locale == "en"
    with speaking("en"):
        verdict = judge(problem, schedule, load_config([]))  # type: ignore[arg-type]
    assert verdict.locale == "en"
    assert "EC-CNR expects 85 people but Salle B-2310 seats 45 (40 short)" in [v.message for v in verdict.hard]


def test_outside_any_speaking_block_sentences_are_english() -> None:
    assert chosen() is None
    assert clock(810) == "1:30\u00a0PM"
    assert say("{room} holds one session at a time", room="A") == "A holds one session at a time"
    with speaking("fr_CA"):
        assert clock(810) == "13 h 30" and chosen() == "fr_CA"
        assert say("{room} holds one session at a time", room="A") == "A n’accueille qu’une séance à la fois"
        assert say_n("{n} session would move.", "{n} sessions would move.", 1) == "1 séance bougerait."
        assert say_n("{n} session would move.", "{n} sessions would move.", 2) == "2 séances bougeraient."
        assert when(dt.date(2027, 5, 13), 810, 885) == "13 mai, 13 h 30 – 14 h 45"
        with speaking("en"):
            assert when(dt.date(2027, 5, 13), 810, 885) == "May 13, 1:30 – 2:45\u00a0PM"
        problem, _ = _seed_with_violations()
        with for_conference(problem) as spoken:  # a language already chosen stays
            assert spoken == "fr_CA"
    assert chosen() is None
    assert say_n("{n} session would move.", "{n} sessions would move.", 1) == "1 session would move."


def test_a_sentence_the_catalogue_lacks_is_english() -> None:
    with speaking("fr"):
        assert say("Nothing here {x}", x=1) == "Nothing here 1"


# -- (c) a third language ---------------------------------------------------------------------------------------
GERMAN = '''msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgctxt "page"
msgid "timetable"
msgstr "Zeitplan"

msgctxt "page"
msgid "sessions"
msgid_plural "sessions"
msgstr[0] "{n} Sitzung"
msgstr[1] "{n} Sitzungen"

msgid "{room} holds one session at a time"
msgstr "{room} hat nur eine Sitzung zur Zeit"

msgid "{n} session would move."
msgid_plural "{n} sessions would move."
msgstr[0] "{n} Sitzung würde verschoben."
msgstr[1] "{n} Sitzungen würden verschoben."
'''


def test_a_po_file_dropped_in_the_folder_adds_a_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="no texts in 'de'"):
        texts("de")
    folder = tmp_path / "locales"
    shutil.copytree(language.LOCALES, folder)
    (folder / "de.po").write_text(GERMAN, encoding="utf-8")
    monkeypatch.setattr(language, "LOCALES", folder)
    assert language.languages() == ["de", "en", "fr"]
    german = texts("de_DE")
    assert german("timetable") == "Zeitplan"
    assert german("sessions", n=1) == "1 Sitzung" and german("sessions", n=3) == "3 Sitzungen"
    assert german("tba") == "Time to be announced"  # what de.po lacks is English
    assert german.time(810) == "13:30" and german.day(dt.date(2027, 5, 13)) == "Donnerstag, 13. Mai"
    assert ConferenceFile(locale="de").locale == "de"  # conference.yaml may name it
    with speaking("de"):
        assert say("{room} holds one session at a time", room="A") == "A hat nur eine Sitzung zur Zeit"
        assert say_n("{n} session would move.", "{n} sessions would move.", 2) == "2 Sitzungen würden verschoben."
        assert say("{room} needs {n} min free between two sessions", room="A", n=5) \
            == "A needs 5 min free between two sessions"
    from solver.serve.i18n import desk_text

    assert desk_text("de", "save") == "Save"
    monkeypatch.undo()
    with pytest.raises(ValueError, match="no texts in 'de'"):
        texts("de")


def test_init_starts_a_catalogue_from_the_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "locales"
    shutil.copytree(language.LOCALES, folder)
    monkeypatch.setattr(language, "LOCALES", folder)
    assert language.main(["init", "pl"]) == 0
    polish = read_catalogue(folder / "pl.po", "pl")
    assert polish.num_plurals == 3
    assert len([m for m in polish if m.id]) == len([m for m in language.extract() if m.id])
    assert texts("pl")("timetable") == "Timetable"  # nothing translated yet: English
    assert language.main(["init", "pl"]) == 1  # never over a translator's work


# -- (d) report.md -----------------------------------------------------------------------------------------------
def test_the_report_of_a_french_conference_has_french_headings() -> None:
    problem, schedule = _seed_with_violations()
    config = load_config([])
    report = report_markdown(config, judge(problem, schedule, config))  # type: ignore[arg-type]
    assert report.startswith("# Rapport de score\n\nPénalité totale\u00a0: **")
    assert "**5 règles strictes enfreintes\u00a0: cet horaire n’est pas valide.**" in report
    assert "| règle | mode | poids | relevés | quantité | pénalité |" in report
    assert "## room_capacity\u00a0: stricte, 2 relevés" in report
    assert "## capacity_fit\u00a0: 140 (place vide, poids 1)" in report
    assert "- EC-CNR attend 85 personnes" in report


def test_the_report_of_an_english_conference_stays_english(tmp_path: Path) -> None:
    folder = make_conference(tmp_path / "c", rooms=[{"room_id": "R1", "name": "Room 1", "capacity": 20}],
                             sessions=[{"session_id": "S1", "title": "The keynote", "attendance": 30}])
    problem = load_problem(folder)
    config = load_config([])
    report = report_markdown(config, judge(problem, Schedule((Assignment("S1", "R1", "T1"),)), config))
    assert report.startswith("# Score report\n\nTotal penalty: **0**")
    assert "**1 hard rule violation: this schedule is not valid.**" in report
    assert "## room_capacity: hard, 1 violation" in report


def test_export_with_locale_writes_the_judges_sentences_in_that_language(tmp_path: Path) -> None:
    """`salle export --locale en` of the French seed: report.md's sentences are English; without --locale, French."""
    from typer.testing import CliRunner

    from solver.cli import cli

    _, schedule = _seed_with_violations()
    rows = "".join(f"{a.session_id},{a.room_id},{a.slot_id}\n" for a in schedule.assignments)
    (tmp_path / "s.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    inputs = Path(__file__).resolve().parents[1] / "inputs"
    for locale, heading in (("en", "# Score report"), (None, "# Rapport de score")):
        out = tmp_path / f"out-{locale}"
        args = ["export", str(inputs), "--schedule", str(tmp_path / "s.csv"), "--out", str(out), "--force"]
        result = CliRunner().invoke(cli, args + (["--locale", locale] if locale else []))
        assert result.exit_code == 0, result.output
        report = (out / "report.md").read_text(encoding="utf-8")
        assert report.startswith(heading)
        assert ("EC-CNR expects 85" in report) if locale else ("EC-CNR attend 85 personnes" in report)
