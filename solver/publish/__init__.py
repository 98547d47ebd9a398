"""Every file salle writes about a schedule, rendered from one schedule view, and the writing of them.

`render_all` renders every file of a run (`salle solve`, `salle export`, the desk's Save: the same files, from
the same code) and `publish` writes them atomically into the output folder (solver.publish.files);
`render_report` the report files alone (`salle check --out`); `render_publications` the publications alone
(solver.publish.publications). The atomic writer is solver.publish.atomic; texts, dates and times in the
conference's language come from solver.publish.locale.

| file | for whom |
|---|---|
| `assignments.csv` | scripts and `salle check`: one row per session (solver.publish.tables) |
| `report.md`, `report.csv` | the judge's score report (solver.publish.report) |
| `summary.json` | scripts: the run in figures (solver.publish.summary) |
| `timetable.html` | attendees: a table per day (a list on phones), rooms across, time down, filters, printable |
| `timetable-organizers.html` | the same with seats and expected attendance |
| `programme.md`, `programme.html` | the programme, rooms filled in, sessions without a time at the end |
| `calendar.ics`, `rooms/<room>.ics`, `speakers/<id>.ics` | calendar apps: everything, one room, one speaker |
| `schedule.xml`, `schedule.json` | conference apps (frab/pretalx voc schedule format) |
| `schedule.xlsx` | organizers' spreadsheets (and `salle import xlsx`) |
| `rooms/<room>.csv`, `speakers.csv` | logistics: door lists and each speaker's sessions |
| `.salle-manifest.json` | salle itself: what it wrote, so a later run removes only that (solver.publish.manifest) |
"""

from __future__ import annotations

from solver.publish.files import REPORT_FILES, RunFacts, Staged, finish, prepare, publish, render_all, render_report
from solver.publish.publications import check_base_url, check_conference_url, check_timezone, render_publications
from solver.publish.view import Conference
from solver.publish.workbook import Report

__all__ = ["REPORT_FILES", "Conference", "Report", "RunFacts", "Staged", "check_base_url", "check_conference_url",
           "check_timezone", "finish", "prepare", "publish", "render_all", "render_publications", "render_report"]
