"""`python -m solver.language extract | update | init LANGUAGE`: see solver.language.tools."""

import sys

from solver.language.tools import main

raise SystemExit(main(sys.argv[1:]))
