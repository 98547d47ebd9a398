"""ORBEL benchmark: salle against felixrauh/conference_scheduler on its real instances (see README.md)."""
