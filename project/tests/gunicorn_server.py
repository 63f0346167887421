"""Start the app under gunicorn, as production does, on 127.0.0.1 for a test; stop it afterwards."""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from project.tests.clusters import free_port

ROOT = Path(__file__).resolve().parents[2]
THROWAWAY_SECRET_KEY = "test-and-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(db_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a production process on plain HTTP at 127.0.0.1 (tests and benchmarks): production
    settings, a throwaway secret key, this Python first on PATH, the test database unless ``db_url`` says."""
    # The browser tests allow sync ORM calls beside Playwright's event loop; production never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "DJANGO_SECRET_KEY": THROWAWAY_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": db_url or database_url(),
        **extra,
    }


@contextlib.contextmanager
def gunicorn(extra_env: dict[str, str] | None = None, workers: int = 2):
    port = free_port()
    env = production_env(**(extra_env or {}))
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "project.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_ready(base, proc, path="/healthz", timeout=30)
        except RuntimeError as exc:
            log.seek(0)
            raise RuntimeError(f"gunicorn did not start ({exc}): {log.read().decode()[-2000:]}") from exc
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def wait_until_ready(base: str, proc: subprocess.Popen, *, path: str = "/readyz", timeout: float = 60) -> None:
    """Poll ``base + path`` until it answers 200; fail as soon as the server exits, or after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            if request(base + path, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base}{path} did not answer 200 within {timeout:.0f} s")


def request(url: str, method: str = "GET", body=None, headers: dict | None = None, timeout: float = 10):
    """(status, parsed JSON or raw bytes, headers) for one HTTP request."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    if data is not None and "Content-Type" not in req.headers:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            status, raw, resp_headers = resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as err:
        status, raw, resp_headers = err.code, err.read(), err.headers
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw
    return status, payload, resp_headers
