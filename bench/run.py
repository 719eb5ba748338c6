#!/usr/bin/env python3
"""Foundation benchmark: production server on loopback, driven by wrk, figures as ratios of a baseline.

    .venv/bin/python bench/run.py                 # full run: 10 s per target, 8 connections
    .venv/bin/python bench/run.py --quick         # 3 s smoke run (not recorded in bench/RESULTS.md)

What it does (see bench/README.md):
  1. a throw-away data directory with a fresh SQLite database, the demo data, and organisations added
     through the platform's own CSV import until there are 5,000;
  2. `egov serve` (gunicorn, production mode) on 127.0.0.1 at a free port;
  3. signs in as the demo system administrator and checks each target answers what it should;
  4. wrk against: the minimal view /healthz (baseline), the signed-in home page, the API list, and the
     baseline again; the baseline figure is the mean of the two baseline runs;
  5. prints and records each target's throughput as a ratio of the baseline (target: >= 50 %).

A benchmark, not a test: BELOW does not fail the run. It exits 1 only when the figures are not valid
(the server answered errors under load), 2 when it cannot run at all (no wrk, server does not start).
Traffic goes to loopback only; the server it starts is always stopped, by its process group.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import datetime as dt
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS_MD = BENCH / "RESULTS.md"

TOTAL_ORGANISATIONS = 5000
PROVINCES = 60
UNITS_PER_DEPARTMENT = 9
TARGET_RATIO = 0.50
# Chosen on the 2-core reference machine, see bench/README.md ("Server configuration").
DEFAULT_WORKERS = 3
DEFAULT_THREADS = 4
API_PATH = "/api/v1/organisations?page=2&page_size=50"
USERNAME = "quantri"

RESULTS_HEADER = """# Benchmark results

Rows are appended by `bench/run.py` (one per target per full run; `--quick` smoke runs are not
recorded). Method, in short (details in `bench/README.md`): a fresh SQLite database with the demo data
and 5,000 organisations; `egov serve` (gunicorn, production mode) on 127.0.0.1; wrk with `--latency`
for the stated duration and connections, after a short warm-up of each target.

Columns:
- **date (UTC)**: when the run started.
- **machine**: CPU model and core count, then the server configuration (gunicorn workers × threads)
  and the load (wrk connections, seconds per target).
- **target**: `healthz` is the baseline, the minimal view (no database, no template); its figures are
  the mean of one run before and one after the other targets. `home` is `GET /` signed in as the
  system administrator; `api list` is `GET /api/v1/organisations?page=2&page_size=50` with the session.
- **req/s**: requests per second over the run; **p50 ms / p99 ms**: latency percentiles from wrk.
- **ratio to baseline**: req/s of the target ÷ req/s of the baseline *measured in the same run*. This is
  the figure to compare across runs and machines; absolute numbers depend on the machine and its load.
  The goal is ≥ 0.50 for `home` and `api list`.

| date (UTC) | machine | target | req/s | p50 ms | p99 ms | ratio to baseline |
|---|---|---|---|---|---|---|
"""


class BenchError(Exception):
    """The benchmark cannot run or its figures are not valid; message for the operator."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def log(message: str) -> None:
    print(message, flush=True)


# --- Facts from the project's own source -------------------------------------------------------------


def demo_credentials() -> tuple[str, str]:
    """DEMO_PASSWORD and the full name of `quantri`, read from egov/core/demo.py without importing Django."""
    tree = ast.parse((REPO / "egov" / "core" / "demo.py").read_text(encoding="utf-8"))
    password = full_name = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "DEMO_PASSWORD" for t in node.targets
        ):
            password = ast.literal_eval(node.value)
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "DemoAccount"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == USERNAME
        ):
            full_name = ast.literal_eval(node.args[1])
    if not password or not full_name:
        raise BenchError(f"could not read DEMO_PASSWORD and the account {USERNAME!r} from egov/core/demo.py")
    return password, full_name


def egov_command() -> list[str]:
    """The operator's `egov` script of this interpreter's environment, or `python -m egov.cli` without it."""
    script = Path(sys.executable).parent / "egov"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "egov.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any EGOV_* setting (so no DATABASE_URL etc. leaks in), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(extra)
    return env


def run_egov(args: list[str], env: dict[str, str], timeout: float) -> str:
    proc = subprocess.run(
        [*egov_command(), *args], env=env, cwd=env["EGOV_DATA_DIR"], capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise BenchError(f"`egov {' '.join(args)}` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# --- Data --------------------------------------------------------------------------------------------

CSV_COLUMNS = ("code", "name", "short_name", "abbreviation", "level", "parent_code", "address", "phone", "email")
DEPARTMENT_NAMES = (
    ("Văn phòng Ủy ban nhân dân", "VP"),
    ("Sở Nội vụ", "SNV"),
    ("Sở Tài chính", "STC"),
    ("Sở Tư pháp", "STP"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Y tế", "SYT"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("Sở Công Thương", "SCT"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Thanh tra tỉnh", "TTr"),
)
UNIT_NAMES = (
    ("Văn phòng", "VP"),
    ("Phòng Tổ chức cán bộ", "TCCB"),
    ("Phòng Kế hoạch – Tài chính", "KHTC"),
    ("Phòng Pháp chế", "PC"),
    ("Phòng Công nghệ thông tin", "CNTT"),
    ("Thanh tra", "TTr"),
    ("Trung tâm Dịch vụ công", "TTDVC"),
    ("Phòng Quản lý chuyên ngành", "QLCN"),
    ("Chi cục", "CC"),
)


def row(
    code: str,
    name: str,
    short_name: str,
    abbreviation: str,
    level: str,
    parent_code: str,
    *,
    address: str = "",
    phone: str = "",
    email: str = "",
) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "short_name": short_name,
        "abbreviation": abbreviation,
        "level": level,
        "parent_code": parent_code,
        "address": address,
        "phone": phone,
        "email": email,
    }


def organisation_rows(existing: set[str], needed: int) -> list[dict[str, str]]:
    """`needed` new organisations with valid QCVN 102 codes: provinces 000.00.00.Hxx, their departments
    000.00.NN.Hxx and the departments' units 000.MM.NN.Hxx (levels as ALLOWED_PARENTS allows), parents first."""
    if needed <= 0:
        return []
    groups = [f"H{n:02d}" for n in range(1, 100) if f"000.00.00.H{n:02d}" not in existing][:PROVINCES]
    per_province = math.ceil(needed / len(groups))
    rows: list[dict[str, str]] = []
    for index, group in enumerate(groups, start=1):
        province_name = f"tỉnh Thử nghiệm {index:02d}"
        province_code = f"000.00.00.{group}"
        quota = min(per_province, needed - len(rows))
        if quota <= 0:
            break
        made = [
            row(
                province_code,
                f"Ủy ban nhân dân {province_name}",
                f"UBND {province_name}",
                "UBND",
                "province",
                "",
                address=f"Trung tâm hành chính {province_name}",
                phone=f"0200 {index:03d} 000",
                email=f"ubnd@thunghiem{index:02d}.gov.vn",
            )
        ]
        department = 0
        while len(made) < quota:
            department += 1
            if department > 99:
                raise BenchError("too many organisations per province for two-digit department numbers")
            dept_code = f"000.00.{department:02d}.{group}"
            dept_name, dept_abbr = DEPARTMENT_NAMES[(department - 1) % len(DEPARTMENT_NAMES)]
            if dept_code not in existing:
                made.append(
                    row(
                        dept_code,
                        f"{dept_name} {province_name} ({department})",
                        f"{dept_abbr} {index:02d}-{department:02d}",
                        dept_abbr,
                        "department",
                        province_code,
                        address=f"Số {department} đường Hành Chính, {province_name}",
                    )
                )
            for unit in range(1, UNITS_PER_DEPARTMENT + 1):
                if len(made) >= quota:
                    break
                unit_code = f"000.{unit:02d}.{department:02d}.{group}"
                if unit_code in existing:
                    continue
                unit_name, unit_abbr = UNIT_NAMES[(unit - 1) % len(UNIT_NAMES)]
                made.append(
                    row(
                        unit_code,
                        f"{unit_name} – {dept_name} {province_name}",
                        f"{unit_abbr} {dept_abbr} {index:02d}",
                        unit_abbr,
                        "unit",
                        dept_code,
                    )
                )
        rows.extend(made[:quota])
    return rows


def prepare_data(data_dir: Path, timeout: float) -> int:
    """migrate, demo data, then organisations up to TOTAL_ORGANISATIONS; returns the count."""
    env = clean_env(EGOV_MODE="development", EGOV_DATA_DIR=str(data_dir), EGOV_LOG_LEVEL="warning")
    started = time.monotonic()
    run_egov(["migrate"], env, timeout)
    run_egov(["demo", "--no-serve"], env, timeout)
    export = data_dir / "existing.csv"
    run_egov(["export-organisations", str(export)], env, timeout)
    existing = {row["code"] for row in csv.DictReader(export.open(encoding="utf-8"))}
    rows = organisation_rows(existing, TOTAL_ORGANISATIONS - len(existing))
    if rows:
        path = data_dir / "bench-organisations.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        log(f"  importing {len(rows)} organisations with `egov import-organisations` …")
        log("  " + run_egov(["import-organisations", str(path)], env, timeout).strip())
    total = len(existing) + len(rows)
    log(f"  data ready: {total} organisations ({time.monotonic() - started:.0f} s)")
    return total


# --- Server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`egov serve` in its own process group, so stopping it stops the master and every worker."""

    def __init__(self, data_dir: Path, port: int, workers: int, threads: int, env: dict | None = None) -> None:
        self.data_dir, self.port, self.workers, self.threads = data_dir, port, workers, threads
        self.env = env or {}  # more settings for the server (a database URL, a rate limit)
        self.log_path = data_dir / "server.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        env = clean_env(
            EGOV_MODE="production",
            EGOV_SECRET_KEY=secrets.token_urlsafe(38)[:50],
            EGOV_ALLOWED_HOSTS="127.0.0.1",
            EGOV_DATA_DIR=str(self.data_dir),
            EGOV_SECURE_COOKIES="false",
            EGOV_ACCESS_LOG="0",
            EGOV_LOG_LEVEL="warning",
            **self.env,
        )
        cmd = [
            *egov_command(),
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        ]
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(
                cmd,
                env=env,
                cwd=self.data_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        log(f"  server pid {self.proc.pid}: egov {' '.join(cmd[-7:])}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _, body = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200 and body == b"ok":
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise BenchError(f"the server did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        """SIGTERM to the server's process group (gunicorn stops gracefully), SIGKILL if anything lingers."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        pgid = proc.pid  # start_new_session: the group id is the server's own pid
        _signal_group(pgid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(pgid, signal.SIGKILL)
            proc.wait(timeout=10)
        deadline = time.monotonic() + 10  # workers of that group must not outlive their master
        while _signal_group(pgid, 0) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _signal_group(pgid, signal.SIGKILL):
            time.sleep(0.5)
        log(f"  server pid {proc.pid} stopped (exit {proc.returncode})")


def _signal_group(pgid: int, sig: int) -> bool:
    """Sends sig to the process group; False when the group no longer exists."""
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


# --- HTTP (standard library) -------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = dict(headers or {})
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def take_cookies(headers: http.client.HTTPMessage, jar: dict[str, str]) -> None:
    for raw in headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(raw)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


class _CsrfField(HTMLParser):
    token: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.token = values.get("value")


def login(port: int, username: str, password: str) -> dict[str, str]:
    """Signs in through the login form like a browser; returns the cookies (egov_session among them)."""
    jar: dict[str, str] = {}
    status, headers, body = request(port, "GET", "/login/")
    if status != 200:
        raise BenchError(f"GET /login/ answered {status}")
    take_cookies(headers, jar)
    parser = _CsrfField()
    parser.feed(body.decode("utf-8", "replace"))
    if "egov_csrf" not in jar or not parser.token:
        raise BenchError("GET /login/ gave no egov_csrf cookie or no csrfmiddlewaretoken field")
    form = urlencode({"csrfmiddlewaretoken": parser.token, "username": username, "password": password}).encode()
    status, headers, body = request(
        port,
        "POST",
        "/login/",
        cookies=jar,
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/login/"},
    )
    take_cookies(headers, jar)
    if status != 302 or "egov_session" not in jar:
        raise BenchError(
            f"signing in as {username} failed: POST /login/ answered {status} "
            f"(location {headers.get('Location')!r}, cookies {sorted(jar)})"
        )
    return jar


def verify_targets(port: int, jar: dict[str, str], full_name: str, min_count: int) -> dict:
    """One plain request per target before the load, so a benchmark never measures an error page."""
    status, headers, body = request(port, "GET", "/", cookies=jar)
    text = body.decode("utf-8", "replace")
    if status != 200 or "text/html" not in (headers.get("Content-Type") or "") or full_name not in text:
        raise BenchError(
            f"GET / answered {status} {headers.get('Content-Type')!r} without the name {full_name!r}; "
            "not measuring an error or login page"
        )
    status, headers, body = request(port, "GET", API_PATH, cookies=jar)
    try:
        data = json.loads(body)
    except ValueError:
        data = {}
    if status != 200 or data.get("count", 0) < min_count or len(data.get("items", [])) != 50:
        raise BenchError(
            f"GET {API_PATH} answered {status}, count {data.get('count')!r}, "
            f"{len(data.get('items', []))} items; expected 200, count >= {min_count}, 50 items"
        )
    log(
        f"  checked: / is 200 HTML for {full_name} ({len(text.encode())} B); the API page is 200 with 50 items "
        f"of {data['count']} ({len(body)} B)"
    )
    return {"home_bytes": len(text.encode()), "api_bytes": len(body), "api_count": data["count"]}


# --- wrk ---------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    command = "apt-get update && apt-get install -y wrk"
    if os.geteuid() != 0:
        raise BenchError(f"wrk is not installed. Install it with:\n  sudo sh -c '{command}'")
    log(f"  wrk missing; running as root: {command}")
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        )
        if proc.returncode != 0:
            raise BenchError(f"`{' '.join(cmd)}` failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is still missing after apt-get install")
    return found


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


@dataclass
class Measure:
    target: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def parse_wrk(target: str, path: str, output: str, seconds: float) -> Measure:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    percentiles = {
        p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    }
    if not rps or not total or set(percentiles) != {"50", "99"}:
        raise BenchError(f"could not read wrk's output for {target}:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True)) if sock else {}
    return Measure(
        target=target,
        path=path,
        rps=float(rps.group(1)),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        requests=int(total.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=errors,
        seconds=seconds,
    )


def wrk(
    wrk_bin: str,
    port: int,
    path: str,
    *,
    seconds: float,
    connections: int,
    cookie: str | None,
    keep_alive: bool = False,
    script: Path | None = None,
) -> str:
    threads = max(1, min(2, connections))
    cmd = [
        wrk_bin,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if not keep_alive:
        # One connection per request, as a reverse proxy without upstream keep-alive sends them. With
        # keep-alive, gunicorn's gthread workers keep whichever of wrk's few connections they happened to
        # accept, often all of them in one worker, and the figures jump between runs (bench/README.md).
        cmd += ["-H", "Connection: close"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


# --- Machine and records -----------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine_info(wrk_bin: str, workers: int, threads: int) -> dict:
    mem_kb = None
    with contextlib.suppress(OSError, AttributeError):
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    wrk_version = subprocess.run([wrk_bin, "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    try:
        commit = (
            subprocess.run(
                ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_mib": mem_kb // 1024 if mem_kb else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": package_version("django"),
        "gunicorn": package_version("gunicorn"),
        "wrk": wrk_version,
        "database": "sqlite",
        "server": "gunicorn",
        "worker_class": "gthread",
        "workers": workers,
        "threads": threads,
        "git_commit": commit,
    }


def append_results(rows: list[tuple], when: str, machine: str) -> None:
    if not RESULTS_MD.exists():
        RESULTS_MD.write_text(RESULTS_HEADER, encoding="utf-8")
    with RESULTS_MD.open("a", encoding="utf-8") as out:
        for target, rps, p50, p99, ratio in rows:
            out.write(f"| {when} | {machine} | {target} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {ratio:.2f} |\n")


# --- Main --------------------------------------------------------------------------------------------


def _on_signal(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per target (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--quick", action="store_true", help="3-second smoke run, not recorded in RESULTS.md")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where the JSON goes (default bench/out/)")
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"gunicorn workers passed to `egov serve` (default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"threads per worker passed to `egov serve` (default {DEFAULT_THREADS})",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="keep wrk's connections open (default: one connection per request, see README)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--keep-data", action="store_true", help="keep the throw-away data directory (to profile)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = 3
    if not (1 <= args.duration <= 600) or not (1 <= args.connections <= 256):
        parser.error("--duration must be 1..600 s and --connections 1..256")
    # Stoppable however it was started (a shell's `&` starts it with SIGINT ignored): Ctrl-C, kill and a
    # closed terminal all unwind through the `finally` that stops the server.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)

    started = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    warmup = min(2.0, max(1.0, args.duration / 5))
    server: Server | None = None
    tmp = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    try:
        wrk_bin = ensure_wrk()
        password, full_name = demo_credentials()
        log(
            f"egov benchmark — {args.duration:g} s per target, {args.connections} connections "
            f"({'kept open' if args.keep_alive else 'one per request'}), "
            f"gunicorn {args.workers} workers × {args.threads} threads; data in {tmp}"
        )
        log("Preparing data …")
        organisations = prepare_data(tmp, timeout=900)
        log("Starting the production server …")
        server = Server(tmp, free_port(), args.workers, args.threads)
        server.start()
        jar = login(server.port, USERNAME, password)
        cookie = f"egov_session={jar['egov_session']}"
        checks = verify_targets(server.port, jar, full_name, min_count=TOTAL_ORGANISATIONS)

        plan = [("healthz", "/healthz", None), ("home", "/", cookie), ("api list", API_PATH, cookie)]
        log(f"Warming up ({warmup:g} s per target) …")
        for _target, path, target_cookie in plan:
            wrk(
                wrk_bin,
                server.port,
                path,
                seconds=warmup,
                connections=args.connections,
                cookie=target_cookie,
                keep_alive=args.keep_alive,
            )
        log(f"Measuring ({args.duration:g} s per target; the baseline before and after the others) …")
        measures: list[Measure] = []
        for target, path, target_cookie in [*plan, plan[0]]:
            output = wrk(
                wrk_bin,
                server.port,
                path,
                seconds=args.duration,
                connections=args.connections,
                cookie=target_cookie,
                keep_alive=args.keep_alive,
            )
            m = parse_wrk(target, path, output, args.duration)
            measures.append(m)
            errors = sum(m.socket_errors.values())
            log(
                f"  {target:<9} {m.rps:9.1f} req/s  p50 {m.p50_ms:7.2f} ms  p99 {m.p99_ms:7.2f} ms  "
                f"({m.requests} requests{f', {m.non_2xx_3xx} non-2xx/3xx' if m.non_2xx_3xx else ''}"
                f"{f', socket errors {m.socket_errors}' if errors else ''})"
            )
        if server.proc.poll() is not None:
            raise BenchError(f"the server died during the run:\n{server.log_tail()}")
        # gunicorn recycles each worker after --max-requests (5000 ± 500): part of the operator's setup.
        restarts = server.log_path.read_text(errors="replace").count("Autorestarting worker")
        log(f"  gunicorn recycled {restarts} worker(s) during the run (--max-requests)")
    except KeyboardInterrupt:
        log("\nInterrupted.")
        return 130
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return exc.code
    except subprocess.TimeoutExpired as exc:
        print(f"bench: timed out: {exc}", file=sys.stderr)
        return 2
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        if server is not None:
            server.stop()
        if args.keep_data:
            log(f"  data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    before, home, api_list, after = measures
    baseline_rps = (before.rps + after.rps) / 2
    baseline = {
        "rps": baseline_rps,
        "p50_ms": (before.p50_ms + after.p50_ms) / 2,
        "p99_ms": (before.p99_ms + after.p99_ms) / 2,
        "drift": (after.rps - before.rps) / before.rps if before.rps else None,
    }
    results = {}
    log(f"\nResults (ratio = target req/s ÷ baseline req/s, same run; goal ≥ {TARGET_RATIO:.2f}):")
    log(
        f"  baseline /healthz: {baseline_rps:.1f} req/s (before {before.rps:.1f}, after {after.rps:.1f}, "
        f"drift {baseline['drift']:+.1%})"
    )
    if baseline["drift"] is not None and abs(baseline["drift"]) > 0.15:
        log("  note: the baseline moved more than 15 % during the run; the machine was busy, ratios are rough")
    for m in (home, api_list):
        ratio = m.rps / baseline_rps if baseline_rps else 0.0
        verdict = "PASS" if ratio >= TARGET_RATIO else "BELOW"
        results[m.target] = {"ratio": ratio, "verdict": verdict}
        log(f"  {m.target:<9} {ratio:6.3f} × baseline  {verdict}")

    invalid = [m.target for m in measures if m.non_2xx_3xx]
    info = machine_info(wrk_bin, args.workers, args.threads)
    report = {
        "benchmark": "foundation",
        "started_utc": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": info,
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "warmup_s": warmup,
            "wrk_threads": max(1, min(2, args.connections)),
            "keep_alive": args.keep_alive,
            "organisations": organisations,
            "user": USERNAME,
            **checks,
        },
        "worker_restarts": restarts,
        "runs": [asdict(m) for m in measures],
        "baseline": baseline,
        "targets": {m.target: {**asdict(m), **results[m.target]} for m in (home, api_list)},
        "target_ratio": TARGET_RATIO,
        "valid": not invalid,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / f"foundation-{stamp}.json"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"\nWrote {json_path}")
    if args.quick or args.no_record or invalid:
        why = "quick run" if args.quick else "--no-record" if args.no_record else "invalid figures"
        log(f"Not recorded in {RESULTS_MD.relative_to(REPO)} ({why}).")
    else:
        machine = (
            f"{info['cpu_model']} ×{info['cores']}; gunicorn {args.workers}w×{args.threads}t; "
            f"wrk c{args.connections} {args.duration:g}s{' keep-alive' if args.keep_alive else ''}"
        )
        append_results(
            [
                ("healthz (baseline, mean of 2)", baseline_rps, baseline["p50_ms"], baseline["p99_ms"], 1.0),
                ("home", home.rps, home.p50_ms, home.p99_ms, results["home"]["ratio"]),
                ("api list", api_list.rps, api_list.p50_ms, api_list.p99_ms, results["api list"]["ratio"]),
            ],
            started.strftime("%Y-%m-%d %H:%M"),
            machine,
        )
        log(f"Appended 3 rows to {RESULTS_MD.relative_to(REPO)}.")
    if invalid:
        print(
            f"bench: the server answered errors under load for {', '.join(invalid)}; figures not valid", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
