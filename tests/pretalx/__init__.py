"""A real pretalx server for salle's integration tests (see server.py, install.sh)."""
