"""``screener serve`` as a process: it starts, answers, logs method, route, status and duration only -- no
submitted text, token, query string or unknown path -- and refuses bad settings with exit code 2."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
API = "api-cli-token-0123456789"
EXPERT = "expert-cli-token-0123456789"
CANARY = "Zyxtrobane Quillfeather"  # a made-up name: it must not reach any log line
LOG_LINE = re.compile(r"^\S+ \S+ INFO screener\.serve: (GET|POST) (/[a-z0-9/.]*|-) \d{3} \d+\.\dms$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def test_served_requests_leave_no_text_in_the_logs(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"# the pipeline and one expert\napi intake {API}\nexpert e-17 {EXPERT}\n", encoding="utf-8")
    port = _free_port()
    proc = _serve("--port", str(port), "--tokens", str(tokens), env={"SCREENER_DEBUG": ""})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.5)
        text = f"Ask {CANARY} at quill@example.com about it."
        api = httpx.post(f"{base}/v1/screen?note={CANARY.replace(' ', '+')}", json={"text": text},
                         headers={"Authorization": f"Bearer {API}"}, timeout=60)
        assert api.status_code == 200 and api.json()["verdict"] == "redact"
        page = httpx.post(f"{base}/check", data={"token": EXPERT, "text": text}, timeout=60)
        assert page.status_code == 200 and CANARY in page.text
        upload = httpx.post(f"{base}/check", data={"token": EXPERT}, files={"file": ("d.txt", text.encode())},
                            timeout=60)
        assert upload.status_code == 200
        assert httpx.get(f"{base}/{CANARY.replace(' ', '-')}", timeout=10).status_code == 404
        assert httpx.post(f"{base}/v1/screen", json={"text": text}, headers={"Authorization": "Bearer nope"},
                          timeout=10).status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    logs = out + err
    for secret in (CANARY, "Zyxtrobane", "quill@example.com", API, EXPERT, "nope"):
        assert secret not in logs, secret
    lines = [line for line in logs.splitlines() if "screener.serve" in line]
    assert len(lines) == 6, logs
    assert all(LOG_LINE.match(line) for line in lines), lines
    assert " - 404 " in logs and "POST /v1/screen 401" in logs


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--host", "0.0.0.0"], {"SCREENER_SERVE_TOKENS": f"api intake {API}"}, "would be open"),
    (["--expert-rate", "many"], {}, "expert rate"),
    ([], {"SCREENER_SERVE_TOKENS": "api intake short"}, "shorter than 16"),
    (["--tokens", "no-such-tokens-file.txt"], {}, "cannot read tokens file"),
], ids=["open-page-on-all-addresses", "bad-rate", "short-token", "missing-tokens-file"])
def test_bad_settings_exit_2_before_loading_anything(args: list[str], env: dict[str, str], message: str) -> None:
    proc = _serve("--port", str(_free_port()), *args, env={"SCREENER_SERVE_TOKENS": "", **env})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert message in " ".join(err.split())
