"""Reading schedules from the ecosystem into the input contract: frab/pretalx schedule.xml/json, and
workbooks with one sheet per input table (an organizer's spreadsheet, or salle's own schedule.xlsx).

Each importer writes a folder `salle validate`, `salle check` and `salle solve` read; the folder is validated
with the same reader as hand-written CSV files before anything is written.
"""

from solver.importers.folder import Imported
from solver.importers.frab import import_frab
from solver.importers.xlsx import import_xlsx

__all__ = ["Imported", "import_frab", "import_xlsx"]
