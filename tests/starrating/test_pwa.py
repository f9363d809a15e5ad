"""The installable app (issue 12): service worker at the root, manifest with local icons, the
offline page; the worker caches static assets only and the CSP allows it without loosening."""

import json

import pytest
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_as_a_static_script(client, secretary_a1):
    client.force_login(secretary_a1)
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = b"".join(response.streaming_content).decode()
    assert body == (ROOT / "static" / "pwa" / "sw.js").read_text(encoding="utf-8")
    assert client.post("/sw.js").status_code == 405


def test_the_worker_caches_static_assets_and_the_offline_page_only():
    code = (ROOT / "static" / "pwa" / "sw.js").read_text(encoding="utf-8")
    # cache.put appears for the offline page and for /static/ answers, nowhere else.
    assert code.count("cache.put(") == 2
    assert 'pathname.indexOf("/static/") === 0' in code
    assert 'credentials: "omit"' in code  # the offline page is fetched without the session


def test_the_manifest_names_the_app_and_its_local_icons(client):
    response = client.get(reverse("manifest"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "村党组织星级评定系统" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/pwa/")  # local, no CDN
        assert client.get(icon["src"]).status_code == 200


def test_the_offline_page_has_no_personal_data_and_every_page_links_the_manifest(
    client, secretary_a1
):
    response = client.get(reverse("offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "网络不可用" in html and "恢复未保存的输入" in html

    client.force_login(secretary_a1)
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "js/pwa.js" in page
    offline = client.get(reverse("offline")).content.decode()
    assert secretary_a1.display_name not in offline


def test_the_policy_names_the_worker_and_the_manifest_and_stays_strict(client, county_admin):
    client.force_login(county_admin)

    policy = client.get(reverse("home"))["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["worker-src"] == "'self'" and directives["manifest-src"] == "'self'"
    assert "unsafe" not in policy
