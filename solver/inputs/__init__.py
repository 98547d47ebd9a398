"""Reading the conference: CSV files -> pydantic records -> one validated `Problem`. No ortools here."""

from solver.inputs.load import load_problem, load_problem_with_warnings
from solver.inputs.problem import Problem
from solver.inputs.records import Interest, Preference, Room, Session, Slot, Speaker, Unavailability

__all__ = ["Interest", "Preference", "Problem", "Room", "Session", "Slot", "Speaker", "Unavailability", "load_problem",
           "load_problem_with_warnings"]
