"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: canned answers, delays, errors, garbage."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    """What the server answers next. Set ``content`` (the assistant message), or ``status``, ``raw`` or ``delay``."""

    def __init__(self):
        self.content: str = json.dumps({"category": "technical", "priority": "high", "confidence": 0.91})
        self.status = 200
        self.raw: bytes | None = None
        self.delay = 0.0
        self.refuse_json_schema = False  # answer 400 to response_format json_schema, as some servers do
        self.model = "fake-model"
        self.requests: list[dict] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def answer(self, obj) -> None:
        self.content = obj if isinstance(obj, str) else json.dumps(obj)

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": self.content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        ).encode()


def start(fake: FakeLLM) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            payload = self.rfile.read(length)
            try:
                body_json = json.loads(payload)
            except ValueError:
                body_json = None
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.requests.append({"path": self.path, "headers": headers, "json": body_json})
            if fake.delay:
                time.sleep(fake.delay)
            status = fake.status
            body = fake.body() if status == 200 else b'{"error": {"message": "boom", "type": "server_error"}}'
            schema_requested = ((body_json or {}).get("response_format") or {}).get("type") == "json_schema"
            if fake.refuse_json_schema and schema_requested:
                status = 400
                body = json.dumps(
                    {"error": {"message": "response_format json_schema is not supported", "type": "invalid_request"}}
                ).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): that is the point of the test

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.server = server
    return server
