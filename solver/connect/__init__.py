"""Other systems, spoken to over their own interfaces: pretalx (read and write) and Sessionize (read).

Each connector maps to and from the inputs contract (solver/inputs) and nothing else: what it reads becomes an
inputs folder written by solver.importers.folder, what it writes back is read from a schedule.
"""
