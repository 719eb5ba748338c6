"""The demo's exchange: a hub process of its own beside the demo server, and this deployment registered at it.

`egov demo` starts `egov hub` (its own SQLite database in the demo's data folder), registers the deployment as
one system owning every organisation it hosts, and registers a second system standing for Cục Chuyển đổi số
quốc gia — an agency on another deployment — so a package to it is accepted and waits at the hub for that
agency's system to collect it, as on the national axis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

SYSTEM_ID = "egov-demo"
OUTSIDE_SYSTEM_ID = "cuc-cds-demo"
OUTSIDE_CODE = "000.09.10.G12"  # Cục Chuyển đổi số quốc gia, the demo's recipient outside the platform


def node_environment(data_dir: Path, hub_port: int) -> dict[str, str]:
    """What the demo's server and worker need to reach the demo hub (set before Django reads its settings)."""
    return {
        "EGOV_EXCHANGE_HUB_URL": f"http://127.0.0.1:{hub_port}",
        "EGOV_EXCHANGE_SYSTEM_ID": SYSTEM_ID,
        "EGOV_EXCHANGE_SECRET_FILE": str(data_dir / "exchange" / "secret"),
        "EGOV_EXCHANGE_KEY_PASSPHRASE": "egov-demo",
        "EGOV_EXCHANGE_POLL_SECONDS": "2",
    }


def _hub_environment(data_dir: Path, pki_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SETTINGS")}
    env.update(
        {
            "EGOV_HUB_DATA_DIR": str(data_dir / "hub"),
            "EGOV_PKI_DIR": str(pki_dir),
            "EGOV_MODE": "development",
        }
    )
    return env


def _hub(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "egov.cli", "hub", *args], env=env, check=True, stdout=subprocess.DEVNULL)


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens there, else any free loopback port (the demo must not talk to a stranger)."""
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]


def start_hub(data_dir: Path, pki_dir: Path, port: int) -> subprocess.Popen:
    """Start the demo hub and wait until it answers its health check (up to 30 s)."""
    env = _hub_environment(data_dir, pki_dir)
    log_path = data_dir / "hub" / "hub.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "egov.cli", "hub", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo hub stopped at start (exit {process.returncode}); see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/hub/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the demo hub did not answer within 30 s")


def register_systems(data_dir: Path, pki_dir: Path, codes: list[str]) -> bool:
    """Register this deployment (and the stand-in outside agency) once; later runs add missing organisations."""
    env = _hub_environment(data_dir, pki_dir)
    secret_file = data_dir / "exchange" / "secret"
    own = [c for c in codes if c != OUTSIDE_CODE]
    if secret_file.exists():
        return False
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    organs = [arg for code in own for arg in ("--organ", code)]
    _hub(["register-system", SYSTEM_ID, "--name", "egov (demo)", *organs, "--secret-file", str(secret_file)], env)
    outside_secret = data_dir / "exchange" / "outside-secret"
    _hub(
        [
            "register-system",
            OUTSIDE_SYSTEM_ID,
            "--name",
            "Cục Chuyển đổi số quốc gia (demo)",
            "--organ",
            OUTSIDE_CODE,
            "--secret-file",
            str(outside_secret),
        ],
        env,
    )
    return True
