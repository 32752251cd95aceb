"""Serving: a threaded werkzeug server, in the foreground (CLI) or on a background thread."""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import BaseWSGIServer, make_server

from twilio_emulator.app import Emulator, create_app


class EmulatorServer:
    """The emulator served on host:port by a threaded werkzeug server on a daemon thread."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self._host = host
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server: BaseWSGIServer = make_server(host, port, create_app(emulator), threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="emu-http", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self) -> EmulatorServer:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.emulator.close()
