"""A database that stops answering (a host gone, a partition) is an error within seconds in
every process, never a wait for ever: the web process must be able to spool a callback
before Twilio's 15 s webhook timeout."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import sqlalchemy as sa

from dialer.db.engine import make_engine


def test_a_server_that_accepts_and_never_answers_fails_the_connect_within_seconds() -> None:
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True).start()
    port = silent.getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/nothing")
    started = time.monotonic()
    try:
        with pytest.raises(sa.exc.OperationalError), engine.connect():
            pass
        assert time.monotonic() - started < 8  # libpq alone would wait for ever
    finally:
        engine.dispose()
        silent.close()
        for conn in held:
            conn.close()
