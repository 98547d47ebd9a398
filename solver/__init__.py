"""salle: a conference room-and-slot scheduler built on OR-Tools CP-SAT.

Data flows one way: inputs -> problem -> model -> result -> outputs.
"""

__version__ = "0.1.0"
