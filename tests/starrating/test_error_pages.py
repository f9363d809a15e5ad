"""The pages a user sees when something goes wrong are Chinese and say what to do."""

import logging

from django.test import RequestFactory
from django.views.defaults import server_error

from starrating.logs import OffsetFormatter


def test_the_500_page_is_chinese_and_needs_nothing():
    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in page and "系统管理员" in page
    assert "Server Error" not in page


def test_the_csrf_failure_page_points_to_https(client, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/login/", {"username": "a", "password": "b"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "请求未通过安全校验" in page and "https://" in page and "X-Forwarded-Proto" in page


def test_log_lines_carry_the_offset_of_the_product_zone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.created = 0.0  # 1970-01-01T00:00:00Z

    line = OffsetFormatter().format(record)

    assert line.startswith("1970-01-01T08:00:00.000+08:00 INFO x hello")


# --- the demo (./dev serve) shows the product's pages, not Django's debug pages ------------


def _serve_environment() -> dict:
    """The environment ``./dev serve`` gives runserver: its ``export`` lines of the serve case."""
    from tests.conftest import ROOT

    script = (ROOT / "dev").read_text()
    serve = script.split("  serve)", 1)[1].split(";;", 1)[0]
    exported = dict(
        line.strip().removeprefix("export ").split("=", 1)
        for line in serve.splitlines()
        if line.strip().startswith("export ")
    )
    return exported


def test_dev_serve_turns_the_debug_pages_off():
    assert _serve_environment().get("DEBUG") == "false"


def test_under_the_demo_settings_a_404_is_the_chinese_page_and_static_files_still_load(tmp_path):
    """Runs the real server as ``./dev serve`` does (its exported environment), on a free port."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.conftest import ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        **_serve_environment(),
        "DJANGO_SETTINGS_MODULE": "starrating.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    try:
        deadline = time.monotonic() + 30
        while True:  # wait for the server to listen (polling a port, not sleeping blind)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("runserver did not start") from None
                time.sleep(0.2)
        status, page = get("/no-such-page/")
        css_status, _css = get("/static/css/app.css")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert status == 404
    assert "页面不存在（404）" in page and "返回首页" in page
    assert "Page not found" not in page and "URLconf" not in page  # not the debug page
    assert css_status == 200
