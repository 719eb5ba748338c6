"""A hub and two egov nodes as real processes on loopback with PostgreSQL: for the reliability test and the bench.

Each node has its own database, data folder and `egov worker`; the hub has its own database and runs as
`egov hub serve`. Processes start in their own session so that a kill takes a process and its children
(gunicorn's workers) at once, like a machine losing the process. Everything binds 127.0.0.1 and is stopped by
`Cluster.stop()`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Node:
    name: str
    code: str
    org_name: str
    database: str
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    worker: subprocess.Popen | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, tmp: Path, pg_url: str, *, tag: str = "rel", hub_workers: int = 2, node_env: dict | None = None):
        self.tmp = tmp
        self.pg_url = pg_url
        self.tag = f"{tag}_{os.getpid()}"
        self.port = free_port()
        self.hub_workers = hub_workers
        self.pki = tmp / "pki"
        self.hub_db = f"egov_{self.tag}_hub"
        self.hub: subprocess.Popen | None = None
        self.nodes = {
            "a": Node("a", "000.00.81.H40", "Ủy ban nhân dân tỉnh Thử nghiệm A", f"egov_{self.tag}_a", tmp / "a"),
            "b": Node("b", "000.00.82.H40", "Ủy ban nhân dân tỉnh Thử nghiệm B", f"egov_{self.tag}_b", tmp / "b"),
        }
        self.processes: list[subprocess.Popen] = []
        self.node_env = node_env or {}

    # --- plumbing ---------------------------------------------------------------------------------------
    def _db_url(self, name: str) -> str:
        parts = urlsplit(self.pg_url)
        return parts._replace(path=f"/{name}").geturl()

    def _connect(self, dbname: str, **kwargs):
        parts = urlsplit(self.pg_url)
        return psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=dbname,
            **kwargs,
        )

    def _admin(self, sql: str) -> None:
        with self._connect("postgres", autocommit=True) as conn:
            conn.execute(sql)

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EGOV_", "DJANGO_"))}
        env.update({"EGOV_MODE": "development", "EGOV_PKI_DIR": str(self.pki), "EGOV_LOG_LEVEL": "warning"})
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        return env

    def _hub_env(self) -> dict[str, str]:
        env = self._base_env()
        env.update(
            {
                "EGOV_HUB_DATA_DIR": str(self.tmp / "hub"),
                "EGOV_HUB_DATABASE_URL": self._db_url(self.hub_db),
                "EGOV_HUB_RATE_PER_SECOND": "1000",
                "EGOV_HUB_RATE_BURST": "2000",
            }
        )
        return env

    def _run(self, args: list[str], env: dict[str, str]) -> str:
        result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _spawn(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        handle = log.open("ab")
        process = subprocess.Popen(
            [sys.executable, *args],
            env=env,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        self.processes.append(process)
        return process

    # --- set up -----------------------------------------------------------------------------------------
    def setup(self) -> None:
        from egov.documents.signing.pki import init_demo_pki

        init_demo_pki(self.pki)
        for db in (self.hub_db, *(n.database for n in self.nodes.values())):
            self._admin(f'DROP DATABASE IF EXISTS "{db}"')
            self._admin(f'CREATE DATABASE "{db}"')
        hub_env = self._hub_env()
        self._run(["-m", "egov.cli", "hub", "migrate"], hub_env)
        for node in self.nodes.values():
            node.data_dir.mkdir(parents=True, exist_ok=True)
            secret_file = node.data_dir / "hub-secret"
            self._run(
                [
                    "-m",
                    "egov.cli",
                    "hub",
                    "register-system",
                    f"node-{node.name}",
                    "--name",
                    node.org_name,
                    "--organ",
                    node.code,
                    "--secret-file",
                    str(secret_file),
                ],
                hub_env,
            )
            env = self._base_env()
            env.update(
                {
                    "EGOV_DATABASE_URL": self._db_url(node.database),
                    "EGOV_DATA_DIR": str(node.data_dir),
                    "EGOV_EXCHANGE_HUB_URL": f"http://127.0.0.1:{self.port}",
                    "EGOV_EXCHANGE_SYSTEM_ID": f"node-{node.name}",
                    "EGOV_EXCHANGE_SECRET_FILE": str(secret_file),
                    "EGOV_EXCHANGE_KEY_PASSPHRASE": "egov-demo",
                    "EGOV_EXCHANGE_POLL_SECONDS": "1",
                    "EGOV_EXCHANGE_TIMEOUT_SECONDS": "10",
                    **self.node_env,
                }
            )
            node.env = env
            self._run(["-m", "egov.cli", "migrate"], env)
            self._run(["-m", "tests.exchange.node_tool", "setup", "--code", node.code, "--name", node.org_name], env)

    # --- processes --------------------------------------------------------------------------------------
    def _spawn_hub(self) -> subprocess.Popen:
        bind = f"127.0.0.1:{self.port}"
        args = ["-m", "egov.cli", "hub", "serve", "--bind", bind, "--workers", str(self.hub_workers), "--threads", "2"]
        return self._spawn(args, self._hub_env(), self.tmp / "hub.log")

    def start_hub(self) -> None:
        self.hub = self._spawn_hub()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/hub/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.hub.poll() is not None:
                # The old instance's socket may linger a moment after a kill: try again.
                self.hub = self._spawn_hub()
            time.sleep(0.2)
        raise RuntimeError("the hub did not come up within 60 s")

    def start_worker(self, name: str) -> None:
        node = self.nodes[name]
        node.worker = self._spawn(
            ["-m", "egov.cli", "worker", "--interval", "0.2"], node.env, self.tmp / f"worker-{name}.log"
        )

    def start_actor(
        self,
        name: str,
        *,
        count: int,
        expect: int,
        pdf: Path | None = None,
        timeout: float = 600,
        rate: float = 0,
        log: str = "",
    ):
        node = self.nodes[name]
        peer = self.nodes["b" if name == "a" else "a"]
        args = [
            "-m",
            "tests.exchange.node_tool",
            "run",
            "--code",
            node.code,
            "--peer",
            peer.code,
            "--peer-name",
            peer.org_name,
            "--count",
            str(count),
            "--expect",
            str(expect),
            "--timeout",
            str(timeout),
        ]
        if pdf is not None:
            args += ["--pdf", str(pdf)]
        if rate:
            args += ["--rate", str(rate)]
        return self._spawn(args, node.env, self.tmp / (log or f"actor-{name}.log"))

    @staticmethod
    def kill(process: subprocess.Popen | None) -> None:
        """SIGKILL the process and everything in its session (gunicorn's workers too)."""
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def report(self, name: str) -> dict:
        return json.loads(self._run(["-m", "tests.exchange.node_tool", "report"], self.nodes[name].env))

    def hub_waiting(self) -> int:
        with self._connect(self.hub_db) as conn:
            return conn.execute("SELECT count(*) FROM hub_hubdelivery WHERE state = 'waiting'").fetchone()[0]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def drop(self) -> None:
        for db in (self.hub_db, *(n.database for n in self.nodes.values())):
            self._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
