#!/usr/bin/env python3
"""The full reliability run of the exchange: 2,000 documents each way while processes are killed.

    .venv/bin/python bench/exchange_reliability.py [--documents 2000] [--kills 30] [--seed N]

The suite runs a short variant (tests/exchange/test_reliability.py); this runs the same scenario at full size:
a hub and two nodes as real processes on loopback with PostgreSQL, the hub and the node workers killed with
SIGKILL at random moments and restarted, then the same checks — every document registered exactly once at its
recipient, each document's statuses (01, 03) delivered once and applied in order, no outbox row left, nothing
waiting at the hub. Prints the reports and exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The test module reads the database vendor for its own skip marker; the bench process itself uses no database.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
os.environ.setdefault("EGOV_MODE", "development")
os.environ.setdefault("EGOV_DATA_DIR", tempfile.mkdtemp(prefix="egov-reliability-data-"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--pg", default=os.environ.get("EGOV_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    from tests.exchange.test_reliability import run_reliability

    started = time.monotonic()
    result = run_reliability(
        Path(tempfile.mkdtemp(prefix="egov-reliability-")),
        args.pg,
        documents=args.documents,
        kills=args.kills,
        seed=args.seed,
    )
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    n = args.documents
    ok = result["hub_waiting"] == 0 and len(result["killed"]) == args.kills
    for name in ("a", "b"):
        r = result[name]
        ok &= (r["incoming"], r["received_ids"], r["received_distinct"], r["incoming_registered"]) == (n, n, n, n)
        ok &= r["status_sequences"] == {"01,03": n} and r["delivery_states"] == {"received": n}
        ok &= (r["outbox"], r["outbox_failed"], r["inbox_refused"]) == (0, 0, 0)
    print("all checks passed" if ok else "CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
