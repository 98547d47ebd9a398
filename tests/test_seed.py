"""The bundled conference end to end: the seed's three case studies get real rooms."""

from pathlib import Path

from solver.app import run_solve
from solver.config import default_config
from solver.engine import SolveOptions, Status
from solver.engine.model import build_model
from solver.inputs import load_problem
from solver.judge import judge
from tests.conftest import ROOT, SEED, require_shared


def _seed_paragraphs() -> list[str]:
    require_shared()
    # the seed writes some spaces as non-breaking ones: compare words, not spacing
    return [_words(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def test_inputs_transcribe_the_seed() -> None:
    """Titles, speakers with affiliations and descriptions are the seed's, word for word."""
    paragraphs = _seed_paragraphs()
    problem = load_problem(ROOT / "inputs")
    seed_titles = [paragraphs[i - 1] for i, p in enumerate(paragraphs) if p == "Salle à venir"]
    assert [_words(s.title) for s in problem.sessions] == seed_titles
    descriptions = [p for p in paragraphs if p.startswith("Description")]
    assert [_words(s.description) for s in problem.sessions] == descriptions
    for speaker in problem.speakers:
        assert _words(f"{speaker.name}, {speaker.affiliation}") in paragraphs
    assert {s.kind for s in problem.sessions} == {"etude-de-cas"}
    slot = problem.slot["J1-1330"]
    assert (slot.start, slot.end, slot.label) == (13 * 60 + 30, 14 * 60 + 45, "Études de cas")


def test_some_case_study_cannot_use_some_room() -> None:
    """The example is not trivial: the hard rules rule out placements before the solver starts."""
    problem = load_problem(ROOT / "inputs")
    built = build_model(problem, default_config())
    assert 0 < built.size < len(problem.sessions) * len(problem.rooms) * len(problem.slots)
    for session in problem.sessions:
        assert (session.session_id, "AUD", "J1-1330") not in built.literals  # closed that afternoon


def test_seed_solves_end_to_end(tmp_path: Path) -> None:
    constraints = [ROOT / "constraints" / "default.yaml"]
    run = run_solve(ROOT / "inputs", constraints, tmp_path, SolveOptions(workers=1))
    assert run.result.status is Status.OPTIMAL and run.result.schedule is not None
    assert judge(run.problem, run.result.schedule, run.config).ok
    rooms = {a.session_id: a.room_id for a in run.result.schedule.assignments}
    assert set(rooms) == {"EC-CNR", "EC-COP", "EC-MIS"} and len(set(rooms.values())) == 3
    programme = (tmp_path / "programme.md").read_text(encoding="utf-8")
    assert "### 13 h 30 – 14 h 45" in programme and "**Études de cas**" in programme
    assert "Salle à venir" not in programme
    for session in run.problem.sessions:
        block = programme.split(f"#### {session.title}")[1].split("####")[0]
        assert run.problem.room[rooms[session.session_id]].name in block
