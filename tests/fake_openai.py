"""A real HTTP server on loopback that speaks the chat-completions protocol and serves scripted answers.

The openai SDK talks through httpx2, which mock libraries for httpx do not intercept; a real server
also exercises what the SDK does with status codes, Retry-After and timeouts.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections when a client opens 16 at once.
    request_queue_size = 128


@dataclass
class Step:
    """One scripted reply."""

    content: str | None = None
    tool_arguments: str | None = None
    finish_reason: str = "stop"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    delay: float = 0.0
    usage: tuple[int, int] | None = (100, 20)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class FakeOpenAI:
    """Serves `script` in order (the last step repeats); records every request."""

    def __init__(self, latency: float = 0.0):
        self.script: list[Step] = []
        self.requests: list[Seen] = []
        self.latency = latency
        self._lock = threading.Lock()
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
                time.sleep(server.latency + step.delay)
                try:
                    self._reply(step, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _reply(self, step: Step, body: dict[str, Any]) -> None:
                if step.status != 200:
                    payload = {"error": step.error or {"message": f"scripted {step.status}", "type": "error"}}
                else:
                    message: dict[str, Any] = {"role": "assistant", "content": step.content}
                    if step.tool_arguments is not None:
                        name = body["tools"][0]["function"]["name"]
                        message["tool_calls"] = [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": name, "arguments": step.tool_arguments},
                            }
                        ]
                    payload = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [{"index": 0, "message": message, "finish_reason": step.finish_reason}],
                    }
                    if step.usage is not None:
                        p, c = step.usage
                        payload["usage"] = {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(step.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in step.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

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
            if not self.script:
                return Step(status=500)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
