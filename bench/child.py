"""Run one tool on one instance, in this process only: `python -m bench.child TOOL INSTANCE --workdir W
[--objective default|seats]`.

Writes `W/run.json` (a `ToolRun`) and, when the tool found one, `W/schedule.csv`. A crash is recorded in
run.json rather than raised, so the parent can report it.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from bench.peers import tool
from bench.results import ToolRun


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool")
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--objective", default="seats")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    try:
        out = tool(args.tool).run(args.instance, args.time_limit, args.seed, args.workdir, objective=args.objective)
    except Exception as exc:
        traceback.print_exc()
        out = ToolRun(args.tool, args.instance.name, status="crashed",
                      note=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
    out.time_limit = args.time_limit
    out.objective_set = args.objective
    out.save(args.workdir / "run.json")
    return 0 if out.status != "crashed" else 1


if __name__ == "__main__":
    sys.exit(main())
