#!/usr/bin/env python3
"""Signing benchmark: a 10-page decision signed by the signer, sealed by the organisation, and validated.

    .venv/bin/python bench/documents_sign_bench.py              # 20 measured runs of each target
    .venv/bin/python bench/documents_sign_bench.py --quick      # 5 runs, a smoke run
    .venv/bin/python bench/documents_sign_bench.py --runs 50

Goal of the issue: a 10-page PDF signed and validated in under 1 s. Everything happens in this process, on a demo
PKI made in a temporary folder (removed at the end): the PDF is generated with WeasyPrint, the keys are PKCS#12
files, a SoftHSM2 token (when softhsm2 is installed) and, for the time-stamped target, the demo time-stamping
authority served over HTTP on 127.0.0.1.

Targets, each timed as a whole per run after two warm-up runs (p50 and p95 in milliseconds):
  - baseline: SHA-256 + RSA-2048 signature of the same PDF bytes with `cryptography` (the cryptographic floor
    of one signature, with no PDF work);
  - read: pyHanko opening the PDF and walking its page tree (the floor of any PDF work);
  - sign + seal + validate (PKCS#12): the issue's target, PAdES B-B;
  - the same with the signer's key on a SoftHSM2 token;
  - the same with RFC 3161 time stamps from the local TSA (PAdES B-T);
and the parts of the first: signer's signature, seal, validation of both.
Prints each figure and its p50 as a multiple of the baseline's. Figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_MS = 1000.0
PAGES = 10


def _setup_django(data_dir: Path) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["EGOV_MODE"] = "development"
    os.environ["EGOV_DATA_DIR"] = str(data_dir)
    os.environ["EGOV_PKI_DIR"] = str(data_dir / "pki")
    os.environ.setdefault("EGOV_LOG_LEVEL", "error")
    os.environ["DJANGO_SETTINGS_MODULE"] = "egov.settings"
    import django

    django.setup()


def _ten_page_pdf() -> bytes:
    from weasyprint import CSS, HTML

    from egov.core.pdf import BASE_CSS

    paragraph = (
        "Ủy ban nhân dân tỉnh giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ban, ngành và Ủy ban "
        "nhân dân các huyện, thành phố triển khai các nhiệm vụ chuyển đổi số, bảo đảm tiến độ và chất lượng. "
    )
    pages = "".join(
        f"<h2>Điều {n}.</h2>"
        + f"<p>{paragraph * 9}</p>"
        + ('<p style="page-break-after: always"></p>' if n < 10 else "")
        for n in range(1, PAGES + 1)
    )
    html = (
        f"<html lang='vi'><body><h1>Quyết định</h1>{pages}"
        "<div style='margin-left:55%;text-align:center'><b>CHỦ TỊCH</b><br><br><br><br><b>Nguyễn Văn An</b></div>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=BASE_CSS)])


def _time(fn: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return f"{model} ×{os.cpu_count()}; Python {platform.python_version()}; pyHanko {version('pyhanko')}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="measured runs per target (default 20)")
    parser.add_argument("--quick", action="store_true", help="5 runs per target")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="egov-sign-bench-"))
    try:
        return _run(work, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, runs: int) -> int:
    _setup_django(work)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from pyhanko.pdf_utils.reader import PdfFileReader

    from egov.documents.signing import images, pki
    from egov.documents.signing.keys import Pkcs12Key
    from egov.documents.signing.pkcs11 import find_softhsm_module, softhsm_import, write_softhsm_conf
    from egov.documents.signing.sign import sign_as_organisation_seal, sign_as_signer
    from egov.documents.signing.trust import demo_trust_store
    from egov.documents.signing.tsa import DemoTimeStampServer
    from egov.documents.signing.validate import validate_pdf

    demo = pki.init_demo_pki(work / "pki")
    org = {"organisation_name": "Ủy ban nhân dân tỉnh Nam Định", "organisation_code": "000.00.00.H40"}
    signer = pki.issue_person_certificate(
        demo, full_name="Nguyễn Văn An", email="an.nv@example.vn", position="Chủ tịch", **org
    )
    seal = pki.issue_organisation_certificate(demo, **org)
    store = demo_trust_store(demo.directory)
    pdf = _ten_page_pdf()
    signature_png = images.signature_image("Nguyễn Văn An")
    seal_png = images.seal_image(org["organisation_name"], "Nam Định")
    signer_key, seal_key = Pkcs12Key.from_credential(signer), Pkcs12Key.from_credential(seal)
    page_count = int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])
    print(f"egov signing benchmark — {_machine()}")
    print(f"PDF: {page_count} pages, {len(pdf) / 1024:.0f} KiB; {runs} runs per target after 2 warm-up runs\n")

    raw_key, _cert, _chain = pki.read_pkcs12(signer)

    def baseline() -> None:
        raw_key.sign(pdf, padding.PKCS1v15(), hashes.SHA256())

    def read() -> None:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        reader.find_page_for_modification(int(reader.root["/Pages"]["/Count"]) - 1)

    def full(key, tsa_url: str = "") -> Callable[[], None]:
        def run() -> None:
            signed = sign_as_signer(
                pdf, key=key, signature_image=signature_png, anchor="Nguyễn Văn An", tsa_url=tsa_url
            )
            sealed = sign_as_organisation_seal(signed, key=seal_key, seal_image=seal_png, tsa_url=tsa_url)
            report = validate_pdf(sealed, trust_roots=store)
            if not report.all_valid or len(report.signatures) != 2:
                raise SystemExit(f"benchmark output does not validate: {report}")

        return run

    rows: list[tuple[str, list[float]]] = []
    rows.append(("baseline: SHA-256 + RSA-2048 sign of the bytes", _time(baseline, runs)))
    rows.append(("read: pyHanko opens the PDF, walks its pages", _time(read, runs)))
    rows.append(("sign + seal + validate (PKCS#12, PAdES B-B)", _time(full(signer_key), runs)))
    signed_once = sign_as_signer(pdf, key=signer_key, signature_image=signature_png, tsa_url="")
    sealed_once = sign_as_organisation_seal(signed_once, key=seal_key, seal_image=seal_png, tsa_url="")
    rows.append(
        (
            "  part: signer's signature",
            _time(lambda: sign_as_signer(pdf, key=signer_key, signature_image=signature_png, tsa_url=""), runs),
        )
    )
    rows.append(
        (
            "  part: organisation's seal",
            _time(lambda: sign_as_organisation_seal(signed_once, key=seal_key, seal_image=seal_png, tsa_url=""), runs),
        )
    )
    rows.append(("  part: validate both signatures", _time(lambda: validate_pdf(sealed_once, trust_roots=store), runs)))
    if find_softhsm_module():
        token = softhsm_import(
            signer, token_label="egov-bench", pin="123456", conf=write_softhsm_conf(work / "softhsm")
        )
        rows.append(("sign (SoftHSM2 token) + seal + validate", _time(full(token), runs)))
    else:
        print("softhsm2 not installed: the token target is skipped\n")
    with DemoTimeStampServer(demo) as tsa:
        rows.append(("sign + seal + validate, time-stamped (local TSA)", _time(full(signer_key, tsa.url), runs)))

    base_p50 = statistics.median(rows[0][1])
    print(f"{'target':<50} {'p50 ms':>9} {'p95 ms':>9} {'p50 × baseline':>15}")
    for name, samples in rows:
        p50 = statistics.median(samples)
        print(f"{name:<50} {p50:>9.1f} {_p95(samples):>9.1f} {p50 / base_p50:>15.1f}")
    target_p95 = _p95(rows[2][1])
    verdict = "PASS" if target_p95 < GOAL_MS else "ABOVE"
    print(
        f"\nGoal: sign + seal + validate a {PAGES}-page PDF in < {GOAL_MS:.0f} ms: p95 {target_p95:.0f} ms, {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
