"""Running the app on uvicorn, with the LLM settings taken from the environment once, at start."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ziping.web.config import ServeConfig


def llm_from_environment():
    """The LLM settings when an endpoint and a model are configured, else None (the LLM pages say so)."""
    from ziping.llm.batch import LLMSetupError, check_ready, load_settings

    try:
        settings = load_settings(enabled=True)
        check_ready(settings)
    except LLMSetupError:
        return None
    return settings


def run(config: ServeConfig, ready=lambda: None) -> None:
    """Serve until interrupted (`ready` is called once the store is open); beyond loopback a token is required."""
    import uvicorn

    from ziping.web.app import create_app
    from ziping.web.config import TokenRequired, is_loopback

    if config.token is None and not is_loopback(config.host):
        raise TokenRequired(config.host)
    app = create_app(config, llm=llm_from_environment())
    ready()
    # The access log would print every request's query string; the pages carry no secret in it, but the
    # sign-in link does.
    uvicorn.run(app, host=config.host, port=config.port, access_log=False, log_level="warning")


@contextmanager
def running(config: ServeConfig, llm=None) -> Iterator[str]:
    """The app served on a thread of this process while the block runs (port 0: a free one); yields its URL.

    For the browser tests, the screenshots and the load benchmark, which drive a real server over loopback."""
    import socket

    import uvicorn

    from ziping.web.app import create_app

    app = create_app(config, llm=llm)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((config.host, config.port))
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    host, port = sock.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
