"""Shared pieces of the benchmarks: temporary databases, gunicorn servers, load, memory."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_sqlite(folder: Path) -> str:
    """Create an empty SQLite database with the current schema; return its URL."""
    sys.path.insert(0, str(ROOT))
    from sqlmodel import SQLModel, create_engine

    import wsgi  # noqa: F401  (registers every model)

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return url


class Server:
    """gunicorn serving an app factory on a loopback port."""

    def __init__(self, target: str, env: dict, workers: int = 2):
        self.port = free_port()
        # Open for the server's whole life, closed in stop().
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115
        full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "ACCESS_LOG": "/dev/null"}
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", target],
            cwd=ROOT,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(0.5)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(Path(self.log.name).read_text())

    def worker_peak_rss_mb(self) -> float:
        """Return the largest peak resident memory (VmHWM) among the workers, in MB."""
        peaks = []
        for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks) if peaks else float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def post_json_load(port: int, path: str, bodies, threads: int, seconds: float) -> dict:
    """POST JSON bodies from several keep-alive connections for a while; return rate and latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        mine = []
        while time.perf_counter() < stop_at:
            body = json.dumps(bodies(i)).encode()
            i += threads
            started = time.perf_counter()
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 201:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rate": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan"),
    }


def cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
