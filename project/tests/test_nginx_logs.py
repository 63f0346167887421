"""The compose file's nginx (deploy/nginx.conf), run for real on 127.0.0.1: its access log never holds a tracking
token, neither in the request line nor in the Referer."""

import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from project.tests.gunicorn_server import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _fetch(url: str, headers: dict | None = None) -> None:
    try:
        urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5).close()  # noqa: S310
    except urllib.error.HTTPError:
        pass  # the upstream is not running: 502 is fine, the line is logged all the same


@pytest.fixture
def nginx(tmp_path):
    if not shutil.which(NGINX):
        raise pytest.UsageError("nginx is not installed: apt-get install -y nginx-light (.ci/run does).")
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server web:8000;", f"server 127.0.0.1:{free_port()};")  # nothing listens: 502
    site = site.replace("listen 3000;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/log/nginx/access.log", str(tmp_path / "access.log"))
    site = site.replace("root /usr/share/nginx/html;", f"root {tmp_path};")
    (tmp_path / "index.html").write_text("<!doctype html><title>Cootrack</title>")
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {tmp_path};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ {temp} include {tmp_path}/site.conf; }}\n"
    )
    args = [NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)  # noqa: S603
    assert check.returncode == 0, check.stderr
    subprocess.run(args, check=True, timeout=30)  # noqa: S603  (daemonises)
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "access.log"
    finally:
        subprocess.run([*args, "-s", "stop"], timeout=30, check=False)  # noqa: S603


def test_nginx_logs_tracking_links_with_the_token_replaced(nginx):
    base, log = nginx
    token = "Ab3_-" + "x" * 38
    _fetch(f"{base}/t/{token}")
    _fetch(f"{base}/api/track/{token}/", {"Referer": f"https://support.example.com/t/{token}"})
    _fetch(f"{base}/api/tickets/")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and log.read_text().count("\n") < 3:
        time.sleep(0.05)
    lines = log.read_text().splitlines()
    assert len(lines) == 3
    assert token not in log.read_text()
    assert '"GET /t/[token] HTTP/1.1"' in lines[0]
    assert '"GET /api/track/[token]/ HTTP/1.1"' in lines[1] and '"https://support.example.com/t/[token]"' in lines[1]
    assert '"GET /api/tickets/ HTTP/1.1"' in lines[2]
