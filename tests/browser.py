"""Headless-Chromium accessibility harness: load an HTML file, run axe-core, report violations.

Plain functions, no pytest dependency. Talks the Chrome DevTools Protocol (CDP) over a
WebSocket using the synchronous ``websocket-client`` package. Every run starts a fresh
Chromium with a throwaway profile, is bounded by an overall deadline, and always kills the
browser's whole process group and removes the profile directory.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
AXE_ENV_VAR = "BARNET_RAG_AXE_JS"
AXE_REL_PATH = Path("npm") / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORT = (1200, 1600)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-port=0",
]

_WS_RE = re.compile(r"DevTools listening on (ws://\S+)")


class BrowserError(RuntimeError):
    """Chromium could not be started, driven, or timed out."""


def find_chromium() -> str | None:
    """Return the path of a Chromium executable, or None if none is installed."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def find_axe_js(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path | None:
    """Locate ``axe.min.js``: ``$BARNET_RAG_AXE_JS`` first, then ``<cache_dir>/npm/...``."""
    env = os.environ.get(AXE_ENV_VAR)
    if env and Path(env).is_file():
        return Path(env)
    candidate = cache_dir / AXE_REL_PATH
    return candidate if candidate.is_file() else None


def ensure_axe(cache_dir: Path = DEFAULT_CACHE_DIR, timeout: float = 180.0) -> Path | None:
    """Return ``axe.min.js``, running ``npm install --prefix <cache_dir>/npm axe-core@4`` if
    it is missing. Returns None if npm is absent, fails, or times out."""
    found = find_axe_js(cache_dir)
    if found is not None:
        return found
    npm = shutil.which("npm")
    if npm is None:
        return None
    prefix = cache_dir / "npm"
    prefix.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "axe-core@4"],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return find_axe_js(cache_dir)


class _Deadline:
    """An absolute point in time; ``left()`` is the seconds remaining (raises when spent)."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self, what: str) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise BrowserError(f"timed out waiting for {what}")
        return remaining


def _browser_ws_url(
    profile: Path, stderr_log: Path, proc: subprocess.Popen[bytes], deadline: _Deadline
) -> str:
    """Wait for Chromium to publish its DevTools endpoint (profile file or stderr line)."""
    port_file = profile / "DevToolsActivePort"
    while True:
        if port_file.is_file():
            lines = port_file.read_text(encoding="utf-8", errors="replace").split("\n")
            if len(lines) >= 2 and lines[0].strip().isdigit() and lines[1].strip():
                return f"ws://127.0.0.1:{lines[0].strip()}{lines[1].strip()}"
        match = _WS_RE.search(stderr_log.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
        if proc.poll() is not None:
            tail = stderr_log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise BrowserError(f"Chromium exited with {proc.returncode}: {tail}")
        deadline.left("the DevTools endpoint")
        time.sleep(0.05)


class _Cdp:
    """Minimal synchronous CDP client over one browser-level WebSocket (flattened sessions)."""

    def __init__(self, url: str, deadline: _Deadline) -> None:
        import websocket  # websocket-client; imported lazily so the module imports without it

        self._deadline = deadline
        self._next_id = 0
        # suppress_origin: Chromium rejects WebSocket handshakes carrying an Origin header
        # unless --remote-allow-origins is given.
        self._ws = websocket.create_connection(
            url, timeout=deadline.left("WebSocket connect"), suppress_origin=True
        )
        self._timeout_exc: type[Exception] = websocket.WebSocketTimeoutException
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ws.close()

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and block (within the deadline) for its result."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            msg["sessionId"] = session
        self._ws.send(json.dumps(msg))
        while True:
            self._ws.settimeout(self._deadline.left(method))
            try:
                raw = self._ws.recv()
            except self._timeout_exc as exc:
                raise BrowserError(f"timed out waiting for {method}") from exc
            reply: dict[str, Any] = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression: str, session: str, what: str) -> Any:
        """Runtime.evaluate with awaitPromise/returnByValue; raise on a JS exception."""
        res = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session,
        )
        if "exceptionDetails" in res:
            detail = res["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail.get("text")
            raise BrowserError(f"{what}: JavaScript error: {text}")
        return res.get("result", {}).get("value")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill Chromium's whole process group (renderers, zygote, GPU helper) and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def run_axe(
    html_path: Path,
    screenshot: Path | None = None,
    *,
    axe_js: Path | None = None,
    chromium: str | None = None,
    timeout: float = 60.0,
) -> list[dict[str, Any]]:
    """Open ``html_path`` in headless Chromium, run axe-core, return its violations.

    Each violation is axe's own dict (keys include ``id``, ``impact``, ``help``,
    ``helpUrl``, ``nodes``). Rules run: tags ``wcag2a``, ``wcag2aa``, ``wcag21a``,
    ``wcag21aa``, ``best-practice``. If ``screenshot`` is given, a full-page PNG
    (viewport 1200x1600, height capped at 16000 px) is written there. Raises BrowserError
    on any failure or when ``timeout`` seconds (overall) are exceeded; Chromium is always
    killed and its temporary profile removed.
    """
    chromium = chromium or find_chromium()
    if chromium is None:
        raise BrowserError("Chromium is not installed")
    axe_js = axe_js or find_axe_js()
    if axe_js is None:
        raise BrowserError(f"axe.min.js not found (set ${AXE_ENV_VAR} or call ensure_axe)")
    axe_source = axe_js.read_text(encoding="utf-8")
    url = html_path.resolve().as_uri()
    deadline = _Deadline(timeout)

    profile = Path(tempfile.mkdtemp(prefix="barnet-rag-chromium-"))
    stderr_log = profile.parent / (profile.name + ".stderr")
    proc: subprocess.Popen[bytes] | None = None
    cdp: _Cdp | None = None
    try:
        with stderr_log.open("wb") as err:
            proc = subprocess.Popen(
                [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        cdp = _Cdp(_browser_ws_url(profile, stderr_log, proc, deadline), deadline)
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        width, height = VIEWPORT
        cdp.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        nav = cdp.call("Page.navigate", {"url": url}, session)
        if nav.get("errorText"):
            raise BrowserError(f"could not open {url}: {nav['errorText']}")
        loaded = "document.readyState === 'complete' && location.protocol === 'file:'"
        while cdp.evaluate(loaded, session, "load") is not True:
            deadline.left(f"{url} to load")
            time.sleep(0.05)
        cdp.evaluate(axe_source + "\n;true", session, "injecting axe-core")
        options = json.dumps({"runOnly": {"type": "tag", "values": AXE_TAGS}})
        raw = cdp.evaluate(
            f"axe.run(document, {options}).then(r => JSON.stringify(r.violations))",
            session,
            "axe.run",
        )
        if not isinstance(raw, str):
            raise BrowserError(f"axe.run returned {raw!r}")
        violations: list[dict[str, Any]] = json.loads(raw)
        if screenshot is not None:
            size = cdp.call("Page.getLayoutMetrics", {}, session)["cssContentSize"]
            clip = {
                "x": 0,
                "y": 0,
                "width": max(width, int(size["width"])),
                "height": min(max(height, int(size["height"])), 16_000),
                "scale": 1,
            }
            shot = cdp.call(
                "Page.captureScreenshot",
                {"format": "png", "clip": clip, "captureBeyondViewport": True},
                session,
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        return violations
    finally:
        if cdp is not None:
            cdp.close()
        if proc is not None:
            _kill(proc)
        shutil.rmtree(profile, ignore_errors=True)
        stderr_log.unlink(missing_ok=True)


def summarise(violations: list[dict[str, Any]]) -> str:
    """One line per violation (id, impact, help, first offending targets) for assert messages."""
    lines = []
    for v in violations:
        targets = [n.get("target") for n in v.get("nodes", [])][:3]
        lines.append(f"{v.get('id')} [{v.get('impact')}] {v.get('help')}: {targets}")
    return "\n".join(lines)
