"""Load test of ``screener serve`` on loopback: requests/s and p50/p99 latency at 1, 4 and 16 concurrent
clients, beside the library's own rate (``Screener.screen`` in-process, one thread) on the same texts in the
same run.

The server runs as a separate process (``cli.py serve`` on 127.0.0.1, a free port, API token from the
environment, rate limits lifted, ``--workers`` screening threads); clients are threads, each with its own
``httpx.Client``, posting ``{"text": ...}`` to ``POST /v1/screen`` round-robin over the texts. Every level
sends the same bounded number of requests (``--requests``) after a warm-up; a non-200 answer is counted as an
error, never as a result. Latency is per request as the client sees it; the library's is per ``screen`` call.

Texts: the first ``--limit`` posts of ../shared/data/pii/panorama_subject_dev.jsonl (real, short online
posts, like a draft an expert checks); without the data, the demo ``examples/*.txt`` (said so in the output).

  python bench/serve_load.py [--requests 96] [--limit 64] [--workers 2] [--levels 1,4,16] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
DATA = ROOT.parent / "shared" / "data"
POSTS = Path("pii") / "panorama_subject_dev.jsonl"
TOKEN = "bench-load-token-" + os.urandom(8).hex()


def load_texts(data: Path, limit: int) -> tuple[list[str], str]:
    path = data / POSTS
    if path.is_file():
        with path.open(encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle if line.strip()]
        return texts[:limit], f"{path.name} (first {min(limit, len(texts))} posts)"
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    return texts, "examples/*.txt (panorama data absent)"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def library_rate(texts: list[str], requests: int) -> dict[str, float]:
    from screener.engine import Screener

    engine = Screener.from_config()
    for text in texts[:4]:
        engine.screen(text)
    latencies = []
    started = time.perf_counter()
    for i in range(requests):
        t0 = time.perf_counter()
        engine.screen(texts[i % len(texts)])
        latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    return {"rps": requests / wall, "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99), "errors": 0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCREENER_SERVE_TOKENS": f"api bench {TOKEN}"}
    cmd = [sys.executable, str(ROOT / "cli.py"), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--max-pending", "64", "--api-rate", "1000000/minute"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start in 300 s")


def http_level(url: str, texts: list[str], clients: int, requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        nonlocal errors
        with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    ok = http.post(url, json={"text": texts[i % len(texts)]}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - t0
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"rps": len(latencies) / wall, "p50": pct(latencies, 0.5) if latencies else float("nan"),
            "p99": pct(latencies, 0.99) if latencies else float("nan"), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=96, help="requests per level (bounded load)")
    parser.add_argument("--limit", type=int, default=64, help="texts to cycle through")
    parser.add_argument("--workers", type=int, default=2, help="the server's screening threads")
    parser.add_argument("--levels", default="1,4,16", help="concurrent clients per level")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    args = parser.parse_args()
    texts, source = load_texts(args.data, args.limit)
    words = statistics.mean(len(t.split()) for t in texts)
    print(f"texts: {source}; {len(texts)} texts, {words:.0f} words on average; {args.requests} requests per row; "
          f"server workers {args.workers}; {os.cpu_count()} CPUs", flush=True)
    rows = [("library, in-process (1 thread)", library_rate(texts, args.requests))]
    port = free_port()
    proc = start_server(port, args.workers)
    url = f"http://127.0.0.1:{port}/v1/screen"
    try:
        http_level(url, texts, 1, 8)  # warm-up
        for clients in (int(c) for c in args.levels.split(",")):
            rows.append((f"HTTP POST /v1/screen, {clients} client{'s' if clients > 1 else ''}",
                         http_level(url, texts, clients, args.requests)))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    base = rows[0][1]["rps"]
    print(f"\n| {'what':<36} | {'requests/s':>10} | {'x library':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} |")
    print(f"|{'-' * 38}|{'-' * 12}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 8}|")
    for name, r in rows:
        print(f"| {name:<36} | {r['rps']:>10.1f} | {r['rps'] / base:>9.2f} | {r['p50'] * 1000:>7.1f} | "
              f"{r['p99'] * 1000:>7.1f} | {r['errors']:>6.0f} |")


if __name__ == "__main__":
    main()
