"""Store-and-forward under fire: a hub and two nodes as real processes, killed with SIGKILL and restarted while
documents flow both ways. Nothing may be lost or registered twice, and every status must arrive, in order.

This is the short variant the suite runs (on PostgreSQL); `bench/exchange_reliability.py` runs the full one
(2,000 documents). Both use tests/exchange/harness.py.
"""

from __future__ import annotations

import os
import random
import time

import pytest
from django.db import connection

from tests.exchange.harness import Cluster

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the nodes and the hub run on PostgreSQL"),
]

DOCUMENTS_EACH_WAY = int(os.environ.get("EGOV_RELIABILITY_DOCUMENTS", "40"))
KILLS = int(os.environ.get("EGOV_RELIABILITY_KILLS", "10"))


def chaos(cluster: Cluster, *, kills: int, rng: random.Random, log: list[str]) -> None:
    """Kill the hub or a node's worker at random moments, `kills` times, restarting each after a short pause."""
    for _ in range(kills):
        time.sleep(rng.uniform(0.3, 2.0))
        victim = rng.choice(["hub", "a", "b"])
        if victim == "hub":
            cluster.kill(cluster.hub)
            time.sleep(rng.uniform(0.1, 1.0))
            cluster.start_hub()
        else:
            cluster.kill(cluster.nodes[victim].worker)
            time.sleep(rng.uniform(0.1, 1.0))
            cluster.start_worker(victim)
        log.append(victim)


def settle(cluster: Cluster, *, expected: int, timeout: float) -> tuple[dict, dict]:
    deadline = time.monotonic() + timeout
    while True:
        a, b = cluster.report("a"), cluster.report("b")
        done = all(
            r["outbox"] == 0 and r["incoming_registered"] >= expected and r["status_sequences"].get("01,03") == expected
            for r in (a, b)
        )
        if done and cluster.hub_waiting() == 0:
            return a, b
        if time.monotonic() > deadline:
            return a, b
        time.sleep(1)


def run_reliability(tmp_path, pg_url: str, *, documents: int, kills: int, seed: int) -> dict:
    cluster = Cluster(tmp_path, pg_url)
    rng = random.Random(seed)
    killed: list[str] = []
    try:
        cluster.setup()
        cluster.start_hub()
        cluster.start_worker("a")
        cluster.start_worker("b")
        actors = [
            cluster.start_actor("a", count=documents, expect=documents, timeout=600),
            cluster.start_actor("b", count=documents, expect=documents, timeout=600),
        ]
        chaos(cluster, kills=kills, rng=rng, log=killed)
        for actor in actors:
            actor.wait(timeout=600)
        a, b = settle(cluster, expected=documents, timeout=180)
        return {"a": a, "b": b, "killed": killed, "hub_waiting": cluster.hub_waiting()}
    finally:
        cluster.stop()
        cluster.drop()


def test_nothing_lost_or_doubled_when_processes_are_killed(tmp_path):
    settings_db = connection.settings_dict
    pg_url = (
        f"postgres://{settings_db['USER']}@{settings_db['HOST'] or '127.0.0.1'}:{settings_db['PORT'] or 5432}/postgres"
    )
    n = DOCUMENTS_EACH_WAY
    result = run_reliability(tmp_path, pg_url, documents=n, kills=KILLS, seed=20261123)
    assert len(result["killed"]) == KILLS
    for name in ("a", "b"):
        report = result[name]
        # Every document registered exactly once at its recipient...
        assert (report["incoming"], report["received_ids"], report["received_distinct"]) == (n, n, n), name
        assert report["incoming_registered"] == n, name
        # ...every status delivered and applied in order (01 arrived, then 03 registered), none twice...
        assert report["status_sequences"] == {"01,03": n}, name
        assert report["delivery_states"] == {"received": n}, name
        # ...and nothing left behind or refused.
        assert (report["outbox"], report["outbox_failed"], report["inbox_refused"]) == (0, 0, 0), name
    assert result["hub_waiting"] == 0
