"""Independent validators, as the tests run them: code nobody here wrote judges the outputs.

- axe-core (npm) in Debian's headless Chromium: WCAG 2.0, 2.1 and 2.2 A and AA rules on the web page;
- the Nu HTML checker (npm `vnu-jar`, run with Java): HTML and CSS errors;
- `pdfua` (PyPI): its machine-checkable subset of PDF/UA-1, plus `ua_problems` below, the
  product's own pikepdf check of the PDF/UA-1 rules that `pdfua` does not implement;
- qpdf --check and Ghostscript (stopping on any warning).

The npm packages live in tests/validators/node_modules (`npm ci --ignore-scripts` there;
.ci/run does it). Where a validator is missing, `need()` skips the test with the reason, except
under CI (CI=true), where a missing validator fails the test: CI must run every one of them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from report.outputs.accessibility import pdf_structure

HERE = Path(__file__).resolve().parent / "validators"
NODE_MODULES = HERE / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
JAVA = shutil.which("java")
QPDF = shutil.which("qpdf")
GS = shutil.which("gs")
INSTALL = "(.ci/run installs it: apt-get, and `npm ci --ignore-scripts` in tests/validators)"


def need(condition, what: str) -> None:
    """Skip with a precise reason where a validator is missing; under CI, fail instead."""
    if condition:
        return
    message = f"{what} is not available {INSTALL}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI must run every validator: " + message)
    pytest.skip(message)


def need_module(name: str, what: str):
    try:
        return __import__(name)
    except ImportError:
        need(False, what)


# -- the browser ---------------------------------------------------------------------------

def _chromium(args: list[str], profile: Path, width: int, timeout: int = 180) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},900"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=timeout).stdout


def in_browser(html: Path, script: str, width: int, tmp: Path) -> object:
    """Run `script` (the body of an async function returning a JSON-able value) in the page,
    opened in headless Chromium at `width` CSS px; return its value."""
    probe = tmp / f"probe-{width}-{abs(hash(script)) % 10**8}.html"
    runner = ("<script>(async () => { let value; try { value = await (async () => {" + script + "})(); }"
              " catch (e) { value = {error: String(e)}; }"
              " const out = document.createElement('pre'); out.id = 'probe-result';"
              " out.textContent = JSON.stringify(value); document.body.appendChild(out); })();</script>")
    page = html.read_text(encoding="utf-8")
    # The probe is a script, which the page's own policy forbids: the page is judged without it.
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    probe.write_text(page.replace("</body>", runner + "</body>"), encoding="utf-8")
    dom = _chromium(["--virtual-time-budget=20000", "--dump-dom", probe.as_uri()], tmp / "profile", width)
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, "the page did not finish the probe: " + dom[-500:]
    import html as html_mod
    return json.loads(html_mod.unescape(found.group(1)))


def at_width(html: Path, script: str, width: int, tmp: Path) -> object:
    """`in_browser` at a true `width`, however narrow. Headless Chromium makes no window narrower
    than 500 px (asked for 390 or 320, it lays out at 500), so the page is opened in a frame
    `width` CSS px wide, which is its viewport (media queries, `innerWidth`); `script` runs there."""
    import html as html_mod
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html.read_text(encoding="utf-8"))
    holder = tmp / f"frame-{width}-{html.stem}.html"
    holder.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe id="frame" title="page" '
                      f'style="border:0;width:{width}px;height:900px" srcdoc="{html_mod.escape(page)}">'
                      "</iframe></body></html>", encoding="utf-8")
    return in_browser(holder, """
        const frame = document.getElementById('frame');
        const ready = () => frame.contentDocument && frame.contentDocument.readyState === 'complete'
                            && frame.contentDocument.body && frame.contentDocument.body.childElementCount;
        while (!ready()) await new Promise(done => setTimeout(done, 50));
        await frame.contentDocument.fonts.ready;
        return await frame.contentWindow.eval('(async () => {' + """ + json.dumps(script) + """ + '})()');
    """, 1280, tmp)


def axe(html: Path, tmp: Path, width: int = 1280) -> list[dict]:
    """axe-core's violations of the WCAG 2.0/2.1 A and AA rules (and its best practices)."""
    need(CHROMIUM, "Debian's chromium")
    need(AXE.is_file(), f"axe-core ({AXE})")
    probe = tmp / "axe-page.html"
    page = html.read_text(encoding="utf-8")
    # axe is injected before the page's own end; it reads the page as a reader's browser shows it.
    probe.write_text(page.replace("</head>", f"<script>{AXE.read_text(encoding='utf-8')}</script></head>", 1),
                     encoding="utf-8")
    result = in_browser(probe, """
        const r = await axe.run(document.querySelectorAll('body > :not(#probe-result)').length
                                ? {exclude: [['#probe-result']]} : document,
                                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                                 'wcag22aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' +
                                                                     (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
    """, width, tmp)
    assert isinstance(result, list), result
    return result


# -- the Nu HTML checker ---------------------------------------------------------------------

def vnu(html: Path) -> list[str]:
    """The Nu checker's errors (warnings and info left out), one line each."""
    need(JAVA, "Java (Debian's default-jre-headless)")
    need(VNU.is_file(), f"the Nu HTML checker ({VNU})")
    done = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", str(html)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('lastLine', '?')}: {m.get('message')}" for m in messages if m.get("type") == "error"]


# -- PDF/UA ------------------------------------------------------------------------------------

def pdfua(pdf: Path) -> list[str]:
    """The `pdfua` package's errors and warnings (its skipped rules are said by `pdfua rules`)."""
    need_module("pdfua", "the PyPI package pdfua (pip install -e '.[test]')")
    done = subprocess.run([os.sys.executable, "-m", "pdfua", "check", "--format", "json", str(pdf)],
                          capture_output=True, text=True, timeout=300)
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"pdfua gave no JSON (exit {done.returncode}): {done.stdout[:300]} {done.stderr[:300]}")
    files = data if isinstance(data, list) else data.get("files", [data])
    found = []
    for entry in files:
        for finding in entry.get("findings", []):
            if str(finding.get("severity", "")).lower() in ("error", "warning"):
                found.append(f"{finding.get('rule_id') or finding.get('rule')}: {finding.get('message')}")
    return found


def qpdf_check(pdf: Path) -> str:
    need(QPDF, "qpdf")
    done = subprocess.run([QPDF, "--check", str(pdf)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def ghostscript(pdf: Path, *args: str) -> str:
    """Ghostscript over the whole file, stopping on any warning; its output."""
    need(GS, "Ghostscript")
    done = subprocess.run([GS, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dPDFSTOPONWARNING",
                           "-dPDFSTOPONERROR", *args, str(pdf)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "rror" not in done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def ua_problems(pdf_path: Path) -> list[str]:
    """The product's own check of the PDF/UA-1 rules that `pdfua` 0.1.3 does not implement
    (`report.outputs.accessibility.pdf_structure`, which `--preflight` runs too):

    - 7.1-3 and 7.8: every marked-content sequence with an MCID belongs to an element of the
      structure tree (running headers and footers are artifacts, not content left out of it);
    - 7.6: a list item (LI) holds only a label (Lbl) and a body (LBody);
    - 7.18.1 and ISO 32000 12.5.3: every link annotation is in the tree (StructParent), has a
      description (Contents) and prints (the Print flag);
    - 7.18.5 (outloud's LNK-001): the element its StructParent names is a `Link` holding its
      OBJR, every `Link` holds one, and the description is words, not the target's id;
    - 7.9: a `Note` has an `ID`; no element is empty (outloud's TAG-020; table cells aside);
    - 7.1-8 (catalog): MarkInfo Marked, a title shown, a language.

    `pdfua` above stays the independent judge; this one is tested to fail on an untouched
    WeasyPrint file (test_validators.py, test_accessibility.py)."""
    need_module("pikepdf", "the PyPI package pikepdf")
    return [f.message for f in pdf_structure(Path(pdf_path).read_bytes())]
