"""The bundle and its reports: deterministic, self-contained, escaped, browser-tested."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pumpproof.reports import render_html
from tests.fixtures.cli import pumpproof

# Every test here reads the campaign of conftest.py: a real `pumpproof run` (a minute or two),
# made once: tests/conftest.py sends these tests to one xdist worker.
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *extra,
                           page.as_uri()], capture_output=True, text=True, timeout=120,
                          check=False)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "img":
            self.images.append(values)
        if tag == "script":
            self.scripts += 1


def test_bundle_is_complete(campaign: Path) -> None:
    bundle = json.loads((campaign / "bundle.json").read_text())
    assert bundle["schema"] == "pumpproof.bundle/1"
    assert bundle["firmware_revision"] == "fw-1.2.3"
    assert bundle["evidence"]["schema"] == "pumpproof.evidence/1"
    assert bundle["hazards"]["fault_trees"]
    names = {a["path"] for a in bundle["manifest"]}
    assert "evidence.json" in names and "hazards/hazards.json" in names
    assert all(re.fullmatch(r"[0-9a-f]{64}", a["sha256"]) for a in bundle["manifest"])
    assert not list(campaign.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_reports_render_from_the_bundle_alone(campaign: Path, tmp_path: Path) -> None:
    for fmt, name in (("html", "report.html"), ("md", "report.md"), ("junit", "junit.xml"),
                      ("sarif", "report.sarif")):
        out = tmp_path / name
        result = pumpproof("report", str(campaign / "bundle.json"), "--format", fmt,
                           "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == (campaign / name).read_bytes()
    sarif = json.loads((campaign / "report.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["rules"]
    markdown = (campaign / "report.md").read_text()
    assert markdown.index("## Findings") < markdown.index("## Traceability")


def test_same_seed_gives_byte_identical_bundle_and_reports(campaign: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = pumpproof("run", "--out", str(again), "--seed", "3", "--revision", "fw-1.2.3")
    assert result.returncode == 0
    for name in ("bundle.json", "report.html", "report.md", "junit.xml", "report.sarif",
                 "evidence.json"):
        assert (again / name).read_bytes() == (campaign / name).read_bytes(), name


def test_html_links_resolve_and_it_is_self_contained(campaign: Path) -> None:
    html = (campaign / "report.html").read_text()
    parser = _Anchors()
    parser.feed(html)
    internal = [link[1:] for link in parser.links if link.startswith("#")]
    assert internal and not [i for i in internal if i not in parser.ids]
    assert any(i.startswith("ref-") for i in internal)  # sources link to their references
    assert all(not link.startswith("http") for link in parser.links)
    assert parser.scripts == 0
    assert all(img.get("alt") and str(img.get("src")).startswith("data:image/svg+xml")
               for img in parser.images)


def _hostile_bundle(campaign: Path) -> dict[str, object]:
    bundle = json.loads((campaign / "bundle.json").read_text())
    evil = '<script>document.title="pwned";console.error("pwned")</script>'
    evil_img = '"><img src=x onerror="document.title=\'pwned\'">'
    bundle["spec"]["requirements"][0]["shall"] = f"{evil} shall {evil_img}"
    bundle["spec"]["name"] = evil_img
    bundle["evidence"]["properties"][0]["title"] = evil
    bundle["hazards"]["hazards"][0]["hazard"] = evil_img
    bundle["hazards"]["gaps"].append({"kind": "x", "item": evil, "message": evil_img})
    bundle["spec"]["requirements"][0]["sources"] = [f"ISO-14971-2019: {evil}", evil_img]
    bundle["hazards"]["fault_trees"][0]["basic_events"][0]["sources"] = [evil_img]
    return bundle


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by .ci/run")
def test_html_in_a_real_browser(campaign: Path, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_html(_hostile_bundle(campaign)))
    dom = chromium(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>pumpproof evidence report" in dom.stdout  # the injected script never ran
    assert "pwned" not in re.sub(r"&lt;.*?&gt;|&quot;", "", dom.stdout.split("<title>")[1][:200])
    assert "&lt;script&gt;document.title" in dom.stdout  # shown as text
    parser = _Anchors()
    parser.feed(dom.stdout)
    assert parser.scripts == 0
    assert not [img for img in parser.images if img.get("src") == "x"]
    console_errors = [line for line in dom.stderr.splitlines()
                      if "CONSOLE" in line and ("error" in line.lower() or "pwned" in line)]
    assert console_errors == []
    shot = tmp_path / "shot.png"
    result = chromium(campaign / "report.html", tmp_path, f"--screenshot={shot}",
                      "--window-size=1200,1600")
    assert result.returncode == 0 and shot.exists()
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    non_white = sum(n for n, rgb in colours if sum(rgb) < 720)
    assert len(colours) > 50 and non_white > 0.02 * image.width * image.height
    phone = tmp_path / "phone.png"
    result = chromium(campaign / "report.html", tmp_path, f"--screenshot={phone}",
                      "--window-size=390,844")
    assert result.returncode == 0 and phone.exists()


def test_the_report_says_what_each_proof_covers(campaign: Path) -> None:
    html = (campaign / "report.html").read_text()
    assert "Covers every valid setting (the spec&#39;s hard ranges) except" in html
    assert "basal schedules of up to 48 segments" in html
    assert "Proof obligations every proof rests on" in html
    assert "invariants: proved" in html
    assert "degraded" not in html.lower()
