"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

They skip, with the reason, where /usr/bin/chromium is missing, unless REQUIRE_SERVICES=1 (CI),
where they fail instead. Screenshots of the main pages go to var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# in that same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.conftest import ROOT

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")  # Debian's package
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "test-pass-123"  # tests/factories.py


# Session-scoped, so that it runs before pytest-playwright launches the (session) browser.
@pytest.fixture(scope="session", autouse=True)
def _need_chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 768},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions of the page, to assert there are none."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


# axe-core, vendored from the npm registry (static/vendor/axe-core/<version>/, with its
# LICENSE). Injected by the tests only, from this server (the CSP allows no other script
# source); no product page refers to it.
AXE = "/static/vendor/axe-core/4.14.1/axe.min.js"
AXE_IMPACTS = ("serious", "critical")


def accessibility_problems(page, base_url: str) -> list[str]:
    """The serious and critical axe-core violations of the page as it stands, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{base_url}{AXE}")
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} @ {', '.join(v['nodes'])}"
        for v in found
        if v["impact"] in AXE_IMPACTS
    ]
