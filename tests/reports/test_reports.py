"""The bundle and its reports: deterministic, self-contained, escaped, browser-tested."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pumpproof.campaigns.timeline import timeline
from pumpproof.properties.api import Check, Context, Property, StepView, and_, is_kind, not_
from pumpproof.reports import render_html
from pumpproof.spec import load_spec
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
    assert result.returncode == 1  # as the campaign: an unacceptable residual risk (a finding)
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
    # the evidence is not degraded (the hazard log may well speak of degraded insulin)
    assert "this evidence is degraded" not in html.lower()


class _TooStrict(Property):
    """A property the reference model violates in one step (a bolus over 1000 mU)."""

    id = "P-TEST-SMALL-BOLUS"
    title = "No bolus over 1000 mU is accepted (too strict, on purpose)"
    requirements = ("REQ-DOSE-1",)
    trigger = "bolus requests over 1000 mU"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        big = and_(is_kind(view, "bolus"), view.request.amount_mU > 1000)
        return Check(memory, not_(and_(big, view.after.accepted)), big)


ONE_STEP = [{"op": "event", "event": {"kind": "bolus", "id": "b1", "amount_mU": 2000,
                                      "source": "user"}}]
LONGER = [{"op": "event", "event": {"kind": "cgm", "glucose_mg_dL": 150}},
          {"op": "tick"}, {"op": "tick"}, *ONE_STEP, {"op": "tick"}, {"op": "tick"}]


def _with_counterexamples(campaign: Path) -> dict[str, Any]:
    """The campaign's bundle with a violated property whose two counterexamples (one step,
    and six) were replayed and judged by the real timeline code, as ``run`` does."""
    bundle = json.loads((campaign / "bundle.json").read_text())
    spec = load_spec()
    results = []
    for method, trace in (("bmc", ONE_STEP), ("fuzz", LONGER)):
        name = f"counterexamples/{_TooStrict.id}.{method}.jsonl"
        bundle["timelines"][name] = timeline(spec, trace, _TooStrict())
        results.append({"method": method, "verdict": "violated", "triggers": 1,
                        "counterexample": name, "detail": "violated"})
    bundle["evidence"]["properties"].append({
        "id": _TooStrict.id, "title": _TooStrict.title, "requirements": ["REQ-DOSE-1"],
        "trigger": _TooStrict.trigger, "triggers": 1, "verdict": "violated",
        "vacuous": False, "results": results})
    return bundle


def _first_row_with(image: Any, colour: tuple[int, int, int]) -> int | None:
    """The first row (every 4th) of ``image`` that has a pixel of ``colour``."""
    pixels = image.load()
    for y in range(0, image.height, 4):
        if any(pixels[x, y] == colour for x in range(0, image.width, 2)):
            return y
    return None


def _content_height(png: Path) -> int:
    """The last row of the screenshot that is not white: the page's height in CSS px."""
    from PIL import Image, ImageOps

    image = ImageOps.invert(Image.open(png).convert("L"))
    box = image.point(lambda v: 255 if v > 8 else 0).getbbox()
    assert box is not None
    return int(box[3])


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by .ci/run")
def test_an_auditor_can_read_the_report(campaign: Path, tmp_path: Path) -> None:
    """Grouped trace, diagrams sized and linked, a request table under every timeline, a
    page of bounded height, and printing that opens every group; with screenshots."""
    copy = tmp_path / "out"
    shutil.copytree(campaign, copy)
    bundle = _with_counterexamples(campaign)
    page = copy / "report.html"
    html = render_html(bundle)
    page.write_text(html)
    hazards = [h["id"] for h in bundle["hazards"]["hazards"]]
    assert re.findall(r'<details class="hazard-trace" id="trace-([^"]+)"', html) == hazards
    figures = re.findall(r'<figure class="timeline".*?</figure>', html, re.S)
    assert len(figures) == 2  # one per counterexample
    for figure in figures:
        assert '<table class="requests"' in figure and 'class="violation"' in figure
    one_step, longer = figures
    assert "Not plotted: a one-step counterexample" in one_step and "<svg" not in one_step
    assert one_step.count("<tr") == 2 and "bolus amount_mU=2000" in one_step  # header + 1
    assert "<svg" in longer and longer.count("<tr") == 1 + len(LONGER)
    links = re.findall(r'<div class="diagram[^"]*"><a href="([^"]+)"', html)
    assert len(links) == len(bundle["hazards"]["fault_trees"])
    assert all((copy / link).is_file() for link in links)  # each opens the full-size SVG

    from PIL import Image

    shots = {"top": (page, "1400,2400"), "tall": (page, "1400,20000"),
             "reference": (campaign / "report.html", "1400,40000")}
    for name, (source, size) in shots.items():
        result = chromium(source, tmp_path, f"--screenshot={tmp_path / name}.png",
                          f"--window-size={size}", "--hide-scrollbars")
        assert result.returncode == 0, result.stderr[-2000:]
    top = Image.open(tmp_path / "top.png").convert("RGB")
    inked = sum(n for n, rgb in top.getcolors(maxcolors=1 << 20) or [] if sum(rgb) < 720)
    assert inked > 0.03 * top.width * top.height
    # the built-in reference run, as `run` wrote it: 21 241 px on the development machine
    # with 29 hazards, 7 of them open on an unacceptable risk (12 194 px with 16 hazards);
    # 39 680 px before the trace, properties, requirements and references were folded
    height = _content_height(tmp_path / "reference.png")
    assert 3000 < height < 30000, height
    tall = Image.open(tmp_path / "tall.png").convert("RGB")
    for name, colour in (("timeline", (31, 119, 180)), ("diagram", (232, 238, 247))):
        row = _first_row_with(tall, colour)  # the delivered-insulin line; a gate's fill
        assert row is not None, f"no {name} drawn"
        crop = tall.crop((0, max(row - 300, 0), 1400, row + 900))
        crop.save(tmp_path / f"{name}.png")
        non_white = sum(n for n, rgb in crop.getcolors(maxcolors=1 << 20) or [] if sum(rgb) < 720)
        assert non_white > 0.02 * crop.width * crop.height

    pdfs = []
    for name, text in (("print", html), ("closed", html.replace("::details-content", "::x"))):
        source = copy / f"{name}.html"
        source.write_text(text)
        pdf = tmp_path / f"{name}.pdf"
        result = chromium(source, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
        pdfs.append(len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())))
    assert pdfs[0] > pdfs[1] + 5, pdfs  # printing shows the content of the closed groups
