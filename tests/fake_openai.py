"""A real HTTP server on loopback that speaks the chat-completions protocol and serves scripted answers.

The openai SDK talks through httpx2, which mock libraries for httpx do not intercept; a real server
also exercises what the SDK does with status codes, Retry-After and timeouts. Besides good answers it
scripts what real providers and gateways do: an HTML page with status 200, reasoning prefixes, prose
around the JSON, 429 with Retry-After, a connection that is accepted and never answered, a body that
trickles one byte at a time, truncation, error messages that echo the Authorization header.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections when a client opens 16 at once.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away (a timeout, a cancelled request, a process that exits) is not an error here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Step:
    """One scripted reply."""

    content: str | None = None
    tool_arguments: str | None = None
    reasoning: str | None = None  # `reasoning_content` beside `content`, as DeepSeek-R1 style servers send it
    finish_reason: str = "stop"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    delay: float = 0.0
    usage: tuple[int, int] | None = (100, 20)
    body: str | None = None  # sent as it is instead of a chat completion (a gateway's HTML page, a bare string)
    content_type: str = "application/json"
    trickle: float = 0.0  # seconds between the bytes of the body (headers go at once)
    hang: bool = False  # accept the request and never answer
    echo_authorization: bool = False  # the error message repeats the request's Authorization header


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class FakeOpenAI:
    """Serves `script` in order (the last step repeats), or what `responder` picks for a request body;
    records every request and the most requests ever in flight at once."""

    def __init__(self, latency: float = 0.0, responder: Callable[[dict[str, Any]], Step | None] | None = None):
        self.script: list[Step] = []
        self.requests: list[Seen] = []
        self.latency = latency
        self.responder = responder
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes; with Nagle's algorithm and delayed ACKs that
                # costs 40 ms a response, which a real endpoint does not add.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                step = server._next(Seen(self.path, dict(self.headers), body, time.monotonic()))
                try:
                    if step.hang:
                        server._stopping.wait()
                        return
                    time.sleep(server.latency + step.delay)
                    self._reply(step, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _reply(self, step: Step, body: dict[str, Any]) -> None:
                if step.body is not None:
                    data = step.body.encode("utf-8")
                else:
                    data = json.dumps(self._payload(step, body), ensure_ascii=False).encode("utf-8")
                self.send_response(step.status)
                self.send_header("content-type", step.content_type)
                self.send_header("content-length", str(len(data)))
                for key, value in step.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if not step.trickle:
                    self.wfile.write(data)
                    return
                self.wfile.flush()
                for k in range(len(data)):
                    if server._stopping.wait(step.trickle):
                        return
                    self.wfile.write(data[k : k + 1])
                    self.wfile.flush()

            def _payload(self, step: Step, body: dict[str, Any]) -> dict[str, Any]:
                if step.status != 200:
                    error = dict(step.error or {"message": f"scripted {step.status}", "type": "error"})
                    if step.echo_authorization:
                        error["message"] = f"{error['message']}; header Authorization: {self.headers['Authorization']}"
                    return {"error": error}
                message: dict[str, Any] = {"role": "assistant", "content": step.content}
                if step.reasoning is not None:
                    message["reasoning_content"] = step.reasoning
                if step.tool_arguments is not None:
                    name = body["tools"][0]["function"]["name"]
                    message["tool_calls"] = [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": name, "arguments": step.tool_arguments},
                        }
                    ]
                payload: dict[str, Any] = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                    "choices": [{"index": 0, "message": message, "finish_reason": step.finish_reason}],
                }
                if step.usage is not None:
                    p, c = step.usage
                    payload["usage"] = {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
                return payload

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def _next(self, seen: Seen) -> Step:
        with self._lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            picked = self.responder(seen.body) if self.responder else None
            if picked is not None:
                return picked
            if not self.script:
                return Step(status=500)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # hanging and trickling replies end
        self._server.shutdown()
        self._server.server_close()
