"""`salle serve`: the organizers' desk, a local web page where each drag is judged at once and the solver
re-plans around the sessions the organizer fixed. Routes call the service and the judge, never the model."""

from __future__ import annotations

import ipaddress
import secrets
import signal
from collections.abc import Callable
from pathlib import Path

from solver import language
from solver.serve.state import Shared

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_app(inputs: Path, schedule: Path | None = None, constraints: list[Path] | None = None,
             out: Path = Path("outputs"), token: str | None = None, allowed_hosts: set[str] | None = None,
             replan_limit: float | None = None, locale: str | None = None):  # type: ignore[no-untyped-def]
    """The ASGI application (Starlette) for these files; raises InputError on bad inputs. `locale`: the desk's
    language (default: conference.yaml's, else the conference's own, as its pages)."""
    from solver.serve.web import DeskApp

    shared = Shared(inputs, schedule, constraints, out, locale)
    return DeskApp(shared, token, allowed_hosts, replan_limit).app()


def _check_port(host: str, port: int) -> None:
    import socket

    from solver.errors import SalleError

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise SalleError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (another server there? try "
                         "--port with another number)") from None


def serve(inputs: Path, schedule: Path | None, constraints: list[Path] | None, out: Path, host: str, port: int,
          say: Callable[[str], None] = print, locale: str | None = None) -> None:
    """Load everything (InputError on bad input, before listening), print the address, serve until Ctrl-C."""
    _check_port(host, port)
    # an access token always (as Jupyter's): on a shared machine any local user can reach a loopback port
    token = secrets.token_urlsafe(24)
    shown = f"[{host}]" if ":" in host else host
    # on the loopback address, a request must also name it as its Host: a page of another site whose name points
    # at 127.0.0.1 (DNS rebinding) is refused; elsewhere the token guards, whatever name reaches the host
    allowed = {f"{shown}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"} if is_loopback(host) else None
    app = make_app(inputs, schedule, constraints, out, token, allowed, locale=locale)
    desk = app.state.desk
    tell = say  # the caller's printer: what it prints is in the desk's language
    with language.speaking(desk.shared.texts.name):
        address = f"http://{shown}:{port}/?token={token}"
        tell(language.say("salle serve: open {address}", address=address))
        if is_loopback(host):
            tell(language.say("the address carries this desk's access token (other users of this machine cannot "
                              "edit without it)"))
        else:
            tell(language.say("anyone who can reach this host and has this address can edit and save the "
                              "schedule: share it with care"))
        tell(language.say("saves go to {out}/ (assignments.csv and every publication); Ctrl-C stops the server",
                          out=out))
        ended = language.say("salle serve: a re-plan or a save did not end in time")
        stopped = language.say("salle serve: stopped (changes not saved from a tab are gone)")
    held = (signal.SIGINT, signal.SIGTERM)
    noted: list[int] = []  # uvicorn stops gracefully on either signal, then raises it again: it is only noted here
    previous = {sig: signal.signal(sig, lambda number, frame: noted.append(number)) for sig in held} \
        if _main_thread() else {}
    try:
        run_server(app, host, port, desk.close_soon)
    finally:
        if not desk.close():  # stop the re-plans (their CP-SAT threads joined) and let a save under way finish
            tell(ended)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    tell(stopped)


def run_server(app: object, host: str, port: int, on_signal: Callable[[], None]) -> None:
    """uvicorn until Ctrl-C or SIGTERM (a second Ctrl-C quits without waiting for open connections);
    `on_signal()` is called at the first one, so the desk refuses new saves and re-plans from then on."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:  # type: ignore[override]
            on_signal()
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

    # no lifespan: nothing to start, and a second Ctrl-C would leave its task to be cancelled (a traceback)
    Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")).run()  # type: ignore[arg-type]


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
