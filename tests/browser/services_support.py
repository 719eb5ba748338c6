"""What the public-service journeys share: sign-in, and the accessibility check with axe-core.

axe-core comes from the npm registry (scripts/test installs it and sets EGOV_AXE_JS); each check injects it into
the page and fails on any violation of impact "serious" or "critical" against WCAG 2.x A and AA rules.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from egov.accounts.tests.factories import PASSWORD

AXE_JS = Path(
    os.environ.get(
        "EGOV_AXE_JS", Path(__file__).resolve().parents[2] / ".cache/axe-core/node_modules/axe-core/axe.min.js"
    )
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(page, identifier: str) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(identifier)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")


def accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing at {AXE_JS}: scripts/test installs it from the npm registry")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}: " + " | ".join(serious)
