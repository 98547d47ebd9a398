"""`python -m solver` runs the `salle` command."""

from solver.entry import main

main()
