"""kg serve in a real browser: Playwright drives Debian's Chromium (scripts/chromium installs it; Playwright's
own browsers are never downloaded) against `kg serve` started on a free local port over the example store."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import pytest

if os.environ.get("CI", "").lower() != "true":  # in CI a missing serve extra fails the run
    pytest.importorskip("starlette", reason="kg serve needs the serve extra: pip install -e '.[serve]'")

from kg.serve.process import chromium, running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if os.environ.get("CI", "").lower() == "true":
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (test extra)")
    exe = chromium(install=True)
    if exe is None:
        msg = "Debian's chromium is absent and scripts/chromium could not install it (needs root or sudo)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip("*** BROWSER TESTS SKIPPED *** " + msg)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(example_store):
    with running(example_store) as (url, _proc):
        yield url


@pytest.fixture
def page(browser):
    p = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    p.close()
    assert errors == [], errors  # no script error on any page


def test_search_actor_tie_sentence_article(server, page):
    page.goto(server + "/")
    page.fill("header input[name=q]", "Zelensky")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/?q=Zelensky")
    page.click("table#actors a.actor:has-text('Volodymyr Zelensky')")
    page.wait_for_url("**/actor/person/volodymyr-zelensky")
    assert page.locator("h1").inner_text() == "Volodymyr Zelensky"
    # follow an ally's tie to its sentence in the article
    link = page.locator("section.allies details[open] a.sentence").first
    sentence = link.inner_text()
    link.click()
    page.wait_for_url("**/article/**#s-*")
    anchor = page.url.split("#", 1)[1]
    assert page.locator(f"[id='{anchor}']").count() == 1
    assert sentence[:40] in page.locator("#text").inner_text()
    assert sentence[:20] in page.locator("#text .hl").first.inner_text() or page.locator("#text .hl").count() > 1
    # the article's text is marked up: entities (linked to their actors), triggers, quotes
    assert page.locator("#text a.m-entity").count() > 3
    assert page.locator("#text mark.m-trigger").count() >= 1
    # an entity in the text opens its actor
    page.locator("#text a.m-entity").first.click()
    page.wait_for_url("**/actor/**")
    assert page.locator("h1").count() == 1


def test_network_date_filter_changes_the_graph(server, page):
    page.goto(server + "/network")
    cy = page.locator("#cy")
    page.wait_for_function("document.getElementById('cy').hasAttribute('data-edges')")
    whole = int(cy.get_attribute("data-edges"))
    assert whole > 0
    assert page.locator("#cy canvas").count() > 0  # Cytoscape drew it
    page.fill("#since", "2025-05-01")
    page.dispatch_event("#since", "change")
    page.wait_for_function(f"document.getElementById('cy').getAttribute('data-edges') !== '{whole}'")
    later = int(cy.get_attribute("data-edges"))
    assert 0 < later < whole
    assert "ties" in page.locator("#count").inner_text()


def test_query_page_named_query_in_the_browser(server, page):
    page.goto(server + "/query")
    page.select_option("#named", "top-actors")
    page.click("form.query button")
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() > 0


def test_serve_listens_on_loopback_only_by_default(server):
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a UDP "connect" sends nothing: it picks the outward address
            addr = probe.getsockname()[0]
        except OSError:
            addr = "127.0.0.1"
    if addr.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError):
        socket.create_connection((addr, port), timeout=2).close()


def test_serve_warns_when_told_another_host(example_store):
    # 127.0.0.2 is still this machine, but not one of the addresses kg serve treats as local-only
    with running(example_store, "--write", host="127.0.0.2") as (_url, proc):
        time.sleep(0.2)
        err = Path(proc.stderr_path).read_text()
    assert "warning: listening on 127.0.0.2" in err and "--write" in err


def test_load_bench_prints_page_times_and_memory(example_store):
    import subprocess
    import sys

    from helpers import ROOT

    bench = str(ROOT / "bench" / "serve_load.py")
    res = subprocess.run(
        [sys.executable, bench, "--store", str(example_store), "--clients", "4", "--seconds", "3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert re.search(r"4 clients for 3 s: [1-9]\d* requests .*, 0 errors", res.stdout), res.stdout
    assert "p95 ms" in res.stdout and "server RSS MiB: start" in res.stdout
