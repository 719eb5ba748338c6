"""Measure the edXML codec: python -m egov.exchange.tests.edxml.bench_codec [--profile]

Not a test (pytest does not collect it). Prints milliseconds per call for a package with one 100 KB PDF, next to
a baseline measured in the same run (lxml parsing and serializing the same bytes), and one large package.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import timeit
from pathlib import Path

from lxml import etree

from egov.documents.signing.pki import init_demo_pki, issue_organisation_certificate, read_pkcs12
from egov.exchange.edxml import Limits, TrustStore, XmlSigner, build_package, peek, read_message

from . import samples


def _best(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        pki = init_demo_pki(Path(folder))
        key, cert, chain = read_pkcs12(
            issue_organisation_certificate(pki, organisation_name="VPCP", organisation_code=samples.SENDER)
        )
    signer, trust = XmlSigner(key, cert, chain), TrustStore([pki.root_cert])
    package = samples.package()
    package.attachments[0].data = os.urandom(100 * 1024)
    signed = build_package(package, signer=signer)
    figures = {
        "baseline: lxml parse + serialize": lambda: etree.tostring(etree.fromstring(signed)),
        "build_package, unsigned": lambda: build_package(package),
        "build_package, signed": lambda: build_package(package, signer=signer),
        "read_message, no verification": lambda: read_message(signed, trust=None, require_signature=False),
        "read_message, verified": lambda: read_message(signed, trust=trust),
        "peek": lambda: peek(signed),
    }
    print(f"package with a 100 KB attachment: {len(signed)} bytes")
    baseline = None
    for name, fn in figures.items():
        ms = _best(fn, 100)
        baseline = baseline or ms
        print(f"  {name:36} {ms:7.3f} ms  ({ms / baseline:5.1f} x baseline, {1000 / ms:7.0f}/s on one core)")
    package.attachments[0].data = os.urandom(20 * 1024 * 1024)
    large = build_package(package, signer=signer)
    ms = _best(lambda: read_message(large, trust=trust, limits=Limits()), 3)
    print(f"package with a 20 MB attachment ({len(large)} bytes): read_message, verified {ms:.1f} ms")
    if "--profile" in sys.argv:
        profile = cProfile.Profile()
        profile.runcall(lambda: [read_message(signed, trust=trust) for _ in range(200)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
