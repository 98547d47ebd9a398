"""`salle export` and `salle import`: publish a solved schedule, read published ones (filled in by issue 6)."""

from __future__ import annotations

import typer

publish_cli = typer.Typer(help="Publish schedules and import published ones.")
