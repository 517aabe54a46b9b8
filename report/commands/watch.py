"""`--watch` (and `--serve`): one long-running process that rebuilds what a change affects.

The process stays warm: WeasyPrint, matplotlib, the font configuration, parsed stylesheets and
cached font instances are loaded once, so a rebuild costs little more than the layout. A change
to a document folder rebuilds that document; a change to a series folder (manifest, CSS,
templates, assets, fonts) rebuilds the documents whose series chain uses it; a change to the
base templates rebuilds all. Problems in the content are printed and the watch goes on; the
last good output stays in place. Ctrl-C stops it.

With `--serve PORT` a small HTTP server on 127.0.0.1 shows each document's web version
(`http://127.0.0.1:PORT/<stem>.html`): the page is rebuilt first (a few tens of milliseconds)
and the browser reloads through Server-Sent Events; the PDF follows and the page's PDF link
says when it is ready. The served page links the series' font files instead of embedding
subsets, which is what makes it fast; `--format html` still writes the standalone page.
"""

from __future__ import annotations

import html as html_mod
import json
import queue
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from report import pipeline
from report.commands import preview_guard
from report.errors import BuildError, ContentError, ContentErrors, MachineError, display_path, printable, take_notices
from report.outputs import names as naming, web
from report.series import resolve

STEP_MS = 10  # watchfiles reports a batch once no change came for this long (an editor saves in a few ms)
EXIT_OK, EXIT_USAGE = 0, 2


# -- what a build leaves behind -----------------------------------------------------------------

@dataclass
class State:
    folder: Path
    stem: str
    deps: tuple[Path, ...] | None = None  # series and template folders it used; None: unknown
    problems: tuple[str, ...] = ()
    version: int = 0  # rebuilds of the preview
    pdf_version: int = 0


@dataclass(frozen=True)
class Result:
    folder: Path
    ok: bool
    seconds: float
    steps: tuple[tuple[str, float], ...] = ()  # (what, seconds): preview, pdf, print, html
    written: tuple[Path, ...] = ()
    problems: tuple[str, ...] = ()


class Builder:
    """Builds documents in this process, keeping everything that can be kept between builds."""

    def __init__(self, folders: list[Path], options, server: "PreviewServer | None" = None,
                 verbose: bool = False):
        self.options = options
        self.server = server
        self.verbose = verbose
        self.states = {f.resolve(): State(f, f.resolve().name) for f in folders}
        self.templates = resolve.TEMPLATES.resolve()
        self.style_roots = tuple(r.resolve() for r in resolve.series_roots(options.style_roots))

    # which documents a change touches

    def roots(self) -> list[Path]:
        """Folders to watch: the documents, every folder of series, the base templates."""
        paths = list(self.states) + [r for r in self.style_roots if r.is_dir()] + [self.templates]
        # watch a folder once, not again inside another watched folder
        paths = sorted(set(paths), key=lambda p: len(p.parts))
        kept: list[Path] = []
        for p in paths:
            if not any(p.is_relative_to(k) for k in kept):
                kept.append(p)
        return kept

    def affected(self, changed: set[Path]) -> list[Path]:
        """The documents to rebuild for these changed paths, in the order they were given."""
        hit = []
        for key, state in self.states.items():
            for path in changed:
                if path.is_relative_to(key):
                    break
                if path.is_relative_to(self.templates):
                    break
                if any(path.is_relative_to(r) for r in self.style_roots):
                    # a series file: the documents using that series; unknown (failed) ones too
                    if state.deps is None or any(path.is_relative_to(d) for d in state.deps):
                        break
            else:
                continue
            hit.append(key)
        return hit

    # building

    def build(self, key: Path) -> Result:
        """Rebuild one document through the same run as `build.py`: the preview first when serving."""
        state = self.states[key]
        options = self.options
        start = time.perf_counter()
        steps: list[tuple[str, float]] = []
        written: tuple[Path, ...] = ()

        def preview(prepared, charts) -> None:
            series = prepared.series
            state.deps = tuple(f.resolve() for f in series.folders + series.template_dirs)
            state.stem = naming.stem(prepared.doc, series)  # the name its files are written under
            if self.server is not None:
                t = time.perf_counter()
                page = preview_page(prepared, charts.drawn(), self.server, state, "pdf" in options.formats)
                state.version += 1
                state.problems = ()
                self.server.publish(state.stem, page, state.version)
                steps.append(("preview", time.perf_counter() - t))

        try:
            try:
                built = pipeline.build(state.folder, options, preview)
            except ContentErrors:
                state.deps = None  # a fixed series file may be what it waits for
                raise
            written = built.paths
            steps += built.seconds
            for line in built.warnings:  # a placeholder, an uncaptioned table: said, never stopping
                print(line, file=sys.stderr, flush=True)
            state.problems = built.preflight if built.preflight_failed else ()
            if "pdf" in options.formats and self.server is not None:
                state.pdf_version += 1
                self.server.notify("pdf", state.stem, state.pdf_version)
        except ContentErrors as exc:
            return self._failed(state, start, tuple(map(str, exc.errors)), steps, written)
        except ContentError as exc:
            return self._failed(state, start, (str(exc),), steps, written)
        except BuildError as exc:
            return self._failed(state, start, (printable(f"{display_path(state.folder / 'document.md')}: {exc}"),),
                                steps, written)
        except MachineError as exc:  # disk full, a folder in the way: the path and the reason
            return self._failed(state, start, (str(exc),), steps, written)
        except OSError as exc:
            where = display_path(exc.filename if exc.filename is not None else state.folder)
            return self._failed(state, start, (f"{where}: {exc.strerror or exc}",), steps, written)
        except Exception as exc:  # a bug in the builder: say so, keep watching
            if self.verbose:
                line = traceback.format_exc().rstrip()
            else:
                line = (f"{display_path(state.folder)}: internal error: {type(exc).__name__}: {exc} "
                        "(run with -v for the traceback)")
            return self._failed(state, start, (line,), steps, written)
        return Result(key, True, time.perf_counter() - start, tuple(steps), tuple(written), state.problems)

    def _failed(self, state, start, problems, steps, written) -> Result:
        state.problems = problems
        if self.server is not None:
            self.server.notify("problems", state.stem, json.dumps(problems))
        return Result(state.folder.resolve(), False, time.perf_counter() - start, tuple(steps),
                      tuple(written), problems)


# -- the preview page ---------------------------------------------------------------------------


RELOAD_SCRIPT = """
(function () {
  var stem = %(stem)s, pdf = document.getElementById("report-preview-pdf");
  var source = new EventSource("/__events?stem=" + encodeURIComponent(stem) + "&v=%(version)d");
  function banner(lines) {
    var box = document.getElementById("report-preview-problems");
    if (!box) {
      box = document.createElement("pre");
      box.id = "report-preview-problems";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;margin:0;" +
        "padding:.8em 1em;background:#7a1d12;color:#fff;font:13px/1.4 monospace;z-index:99999;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = lines.join("\\n");
  }
  source.addEventListener("html", function (e) { if (e.data.split(" ")[0] === stem) location.reload(); });
  source.addEventListener("pdf", function (e) {
    var parts = e.data.split(" ");
    if (parts[0] === stem && pdf) { pdf.href = "/" + stem + ".pdf?v=" + parts[1]; pdf.textContent = "PDF \\u2713 " +
      new Date().toLocaleTimeString(); }
  });
  source.addEventListener("problems", function (e) {
    var i = e.data.indexOf(" ");
    if (e.data.slice(0, i) === stem) banner(JSON.parse(e.data.slice(i + 1)));
  });
})();
"""

BAR = ('<div style="position:fixed;top:.5em;right:.5em;z-index:99999;font:13px/1 sans-serif;'
       'background:#fff;border:1px solid #999;border-radius:4px;padding:.4em .6em">'
       '<a id="report-preview-pdf" href="/%(stem)s.pdf?v=%(pdf)d">PDF</a></div>\n')


def preview_page(prepared, figs, server: "PreviewServer", state: State, with_pdf: bool = True) -> bytes:
    """The web version as the standalone page has it, but with the font files linked (served
    by the preview server), a link to the PDF and the live-reload script."""
    html = pipeline.html_for(prepared, figs, web=True)
    script = RELOAD_SCRIPT % {"stem": json.dumps(state.stem).replace("</", "<\\/"), "version": state.version + 1}
    policy = web.preview_policy(script)
    text = web.standalone(html.text, prepared.series, resolve.find_asset(prepared.series, "web.css"),
                          linked_fonts=server.file_url, policy=policy)
    server.policies[state.stem] = policy
    bar = BAR % {"stem": html_mod.escape(state.stem), "pdf": state.pdf_version} if with_pdf else ""
    extra = bar + "<script>" + script + "</script>\n"
    if "</body>" in text:
        text = text.replace("</body>", extra + "</body>", 1)
    else:
        text += extra
    return text.encode("utf-8")


# -- the preview server -------------------------------------------------------------------------

class PreviewServer:
    """127.0.0.1 only: the preview pages from memory, the out folder's files, the font files the
    pages link, and `/__events` (Server-Sent Events: html, pdf, problems)."""

    def __init__(self, port: int, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.pages: dict[str, tuple[bytes, int]] = {}
        self.files: dict[str, Path] = {}  # token → a file a page links (the fonts)
        self.problems: dict[str, str] = {}  # stem → its last build's problems (JSON), while broken
        self.policies: dict[str, str] = {}  # stem → its page's Content-Security-Policy (web.preview_policy)
        self.events: list[tuple[int, str, str]] = []  # (sequence, event, data)
        self.sequence = 0
        self.closing = False
        self.changed = threading.Condition()
        self.streams = 0  # open /__events connections
        self.streams_lock = threading.Lock()
        handler = _handler(self)
        self.httpd = _PoolServer(("127.0.0.1", port), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="preview-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.httpd.start_workers()
        self.thread.start()

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    def file_url(self, path: Path) -> str:
        path = Path(path).resolve()
        stat = path.stat()
        token = f"{abs(hash((str(path), stat.st_mtime_ns, stat.st_size))):x}/{path.name}"
        self.files[token] = path
        return "/__file/" + token

    def publish(self, stem: str, page: bytes, version: int) -> None:
        self.pages[stem] = (page, version)
        self.notify("html", stem, version)

    def notify(self, event: str, stem: str, data) -> None:
        if event == "problems":  # a page opened later shows them at once
            self.problems[stem] = data
        elif event == "html":
            self.problems.pop(stem, None)
        with self.changed:
            self.sequence += 1
            self.events.append((self.sequence, event, f"{stem} {data}"))
            del self.events[:-200]
            self.changed.notify_all()


class _PoolServer(HTTPServer):
    """An HTTP server with a fixed pool of handler threads: a connection waits in a bounded
    queue for a free one (past that it is closed at once), and one watchdog thread closes a
    connection whose request has not arrived, or whose answer has not been taken, in time.
    However many clients come, the threads are `WORKERS` + 2."""

    request_queue_size = 128  # the listen backlog: a burst of connections is accepted, then queued

    def __init__(self, address, handler):
        super().__init__(address, handler)
        self.waiting: queue.Queue = queue.Queue(maxsize=preview_guard.MAX_WAITING)
        self.deadlines: dict = {}  # connection → time.monotonic() by which it must be done
        self.deadlines_lock = threading.Lock()
        self.stopped = threading.Event()
        self.threads: list[threading.Thread] = []

    def start_workers(self) -> None:
        for i in range(preview_guard.WORKERS):
            self.threads.append(threading.Thread(target=self._work, name=f"preview-{i}", daemon=True))
        self.threads.append(threading.Thread(target=self._watchdog, name="preview-watchdog", daemon=True))
        for thread in self.threads:
            thread.start()

    def process_request(self, request, client_address) -> None:
        try:
            self.waiting.put_nowait((request, client_address))
        except queue.Full:  # every handler busy and the queue full: no answer rather than no end
            self.shutdown_request(request)

    def _work(self) -> None:
        while True:
            item = self.waiting.get()
            if item is None:
                return
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.forget(request)
                self.shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        """One line, never a traceback: a client that went away or sent nonsense is no bug here."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            print(printable(f"preview: {client_address[0]}: {type(exc).__name__}: {exc}")[:300],
                  file=sys.stderr, flush=True)

    def expect(self, request, seconds: float) -> None:
        with self.deadlines_lock:
            self.deadlines[request] = time.monotonic() + seconds

    def forget(self, request) -> None:
        with self.deadlines_lock:
            self.deadlines.pop(request, None)

    def _watchdog(self) -> None:
        while not self.stopped.wait(0.25):
            now = time.monotonic()
            with self.deadlines_lock:
                late = [r for r, deadline in self.deadlines.items() if deadline < now]
                for request in late:
                    del self.deadlines[request]
            for request in late:  # its handler's read or write ends at once
                try:
                    request.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def server_close(self) -> None:
        super().server_close()
        self.stopped.set()
        for _ in self.threads:
            try:
                self.waiting.put_nowait(None)
            except queue.Full:
                break


def _handler(server: PreviewServer):
    class Handler(SimpleHTTPRequestHandler):
        timeout = preview_guard.SOCKET_SECONDS  # each read and write of a connection

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(server.out_dir), **kwargs)

        def log_message(self, format, *args):  # quiet: the watcher prints what matters
            pass

        def log_error(self, format, *args):
            pass

        def send_error(self, code, message=None, explain=None):
            if code in preview_guard.LOGGED_ERRORS:  # a malformed request: one line, what it was
                print(printable(f"preview: {self.client_address[0]}: {int(code)} {message or HTTPStatus(code).phrase}")
                      [:300], file=sys.stderr, flush=True)
            super().send_error(code, message, explain)

        def handle_one_request(self):
            # the request must arrive within REQUEST_SECONDS however slowly it trickles in, and
            # the answer (an event stream aside) be taken within ANSWER_SECONDS
            server.httpd.expect(self.connection, preview_guard.REQUEST_SECONDS)
            try:
                self.raw_requestline = self.rfile.readline(65537)
                if len(self.raw_requestline) > 65536:
                    self.requestline = self.request_version = self.command = ""
                    return self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if not self.parse_request():
                    return
                server.httpd.expect(self.connection, preview_guard.ANSWER_SECONDS)
                if self.command != "GET":
                    return self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
                self.do_GET()
                self.wfile.flush()
            except (TimeoutError, ConnectionError, ValueError):
                self.close_connection = True
            except OSError:  # the watchdog shut the connection
                self.close_connection = True

        def end_headers(self):
            path = getattr(self, "path", "")  # none on a request that could not be read
            self.send_header("Cache-Control", "no-store" if not path.startswith("/__file/") else "max-age=3600")
            super().end_headers()

        def do_GET(self):
            if not preview_guard.host_allowed(self.headers.get("Host"), server.port):
                return self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "unknown host")  # DNS rebinding
            try:
                path = unquote(urlsplit(self.path).path, errors="strict")
            except ValueError:  # "http://[::1", a broken escape: nonsense, not a bug
                return self.send_error(HTTPStatus.BAD_REQUEST, "not a path")
            if path == "/__events":
                with server.streams_lock:
                    full = server.streams >= preview_guard.MAX_STREAMS
                    server.streams += not full
                if full:  # each stream holds a handler; the others stay for the pages
                    return self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "too many open event streams")
                try:
                    server.httpd.forget(self.connection)  # a stream lasts; the socket timeout still holds
                    return self._events()
                finally:
                    with server.streams_lock:
                        server.streams -= 1
            if path == "/__version":
                return self._send(json.dumps({s: v for s, (_, v) in server.pages.items()}).encode(),
                                  "application/json")
            if path.startswith("/__file/"):
                file = server.files.get(path[len("/__file/"):])
                if file is None:
                    return self.send_error(HTTPStatus.NOT_FOUND)
                return self._send(file.read_bytes(), "font/ttf" if file.suffix == ".ttf" else "application/octet-stream")
            if path == "/":
                return self._send(self._index(), "text/html; charset=utf-8", web.CSP)
            if path.endswith(".html") and path[1:-5] in server.pages:
                stem = path[1:-5]  # the published page's policy, and the preview's own script
                return self._send(server.pages[stem][0], "text/html; charset=utf-8",
                                  server.policies.get(stem, web.CSP))
            pdf = preview_guard.pdf_file(path, server.out_dir, server.pages)
            if pdf is None:  # the preview only: no listing, nothing else of out/
                return self.send_error(HTTPStatus.NOT_FOUND)
            return self._send(pdf.read_bytes(), "application/pdf")

        def do_HEAD(self):
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

        def _send(self, body: bytes, mime: str, policy: str | None = None):
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", mime)
            if policy is not None:
                self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _index(self) -> bytes:
            items = "".join(f'<li><a href="/{html_mod.escape(s)}.html">{html_mod.escape(s)}</a> '
                            f'(<a href="/{html_mod.escape(s)}.pdf">PDF</a>)</li>' for s in sorted(server.pages))
            return (f"<!doctype html><meta charset=utf-8><title>Preview</title><h1>Documents</h1>"
                    f"<ul>{items or '<li>nothing built yet</li>'}</ul>").encode()

        def _events(self):
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            with server.changed:
                seen = server.sequence
            stem = parse_qs(urlsplit(self.path).query).get("stem", [""])[0]
            try:
                self.wfile.write(b"retry: 500\n\n")
                if stem in server.problems:  # broken when the page was opened: say so now
                    self.wfile.write(f"event: problems\ndata: {stem} {server.problems[stem]}\n\n".encode("utf-8"))
                self.wfile.flush()
                while True:
                    with server.changed:
                        server.changed.wait_for(lambda: server.closing or server.sequence > seen, timeout=15)
                        if server.closing:
                            return
                        fresh = [e for e in server.events if e[0] > seen]
                        seen = server.sequence
                    chunk = "".join(f"event: {event}\ndata: {data}\n\n" for _, event, data in fresh) or ": ping\n\n"
                    self.wfile.write(chunk.encode("utf-8"))
                    self.wfile.flush()
            except OSError:  # gone, or not reading within the socket timeout
                self.close_connection = True

    return Handler


# -- the loop -----------------------------------------------------------------------------------

def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = folder.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def run(folders: list[Path], options, *, serve_port: int | None = None, quiet: bool = False,
        verbose: bool = False) -> int:
    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr, flush=True)

    server = None
    if serve_port is not None:
        try:
            server = PreviewServer(serve_port, options.out_dir)
        except OSError as exc:
            print(f"build.py: error: --serve: cannot listen on 127.0.0.1:{serve_port}: {exc.strerror}",
                  file=sys.stderr)
            return EXIT_USAGE
    builder = Builder(folders, options, server, verbose)

    def report(result: Result, verb: str) -> None:
        where = display_path(builder.states[result.folder].folder)
        for line in take_notices():  # about the machine, once a run
            print(line, file=sys.stderr, flush=True)
        for path in result.written:
            print(display_path(path), flush=True)
        if result.ok:
            parts = ", ".join(f"{what} {seconds:.2f} s" for what, seconds in result.steps)
            say(f"{where}: {verb} in {result.seconds:.2f} s ({parts})")
        elif result.written:
            print(f"{where}: partly {verb} (the files listed); the other outputs are untouched:", file=sys.stderr)
        else:
            print(f"{where}: not {verb}; the earlier output is untouched:", file=sys.stderr)
        for line in result.problems:
            print(line, file=sys.stderr, flush=True)

    out = Path(options.out_dir).resolve()
    cache = Path(options.cache).resolve()
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()
    ready = threading.Event()

    def watch_files() -> None:
        """On a thread: every batch of changes into the queue. Started before the first build,
        so that nothing saved while it runs is missed."""
        watch_filter = watchfiles.DefaultFilter(ignore_paths=[str(out), str(cache)])
        try:
            # A folder removed and restored (a git checkout, an unpacked copy) is a new folder
            # that the old watch does not see: watch afresh whenever a root's identity changes.
            back: set = set()  # roots that came back, reported once the new watch is in place
            while not stop.is_set():
                roots = builder.roots()
                seen = {root: _identity(root) for root in roots}
                present = [root for root in roots if seen[root] is not None]
                if not present:
                    ready.set()
                    stop.wait(0.2)
                    continue
                for batch in watchfiles.watch(*present, watch_filter=watch_filter, step=STEP_MS,
                                              debounce=1600, stop_event=stop, yield_on_timeout=True,
                                              rust_timeout=200, raise_interrupt=False):
                    ready.set()  # the first yield (a timeout, or changes): the watcher is in place
                    if back:  # files copied in before the watch began are read by this rebuild
                        changes.put(back)
                        back = set()
                    if batch:
                        changes.put(batch)
                    now = {root: _identity(root) for root in roots}
                    if now != seen:
                        back |= {(watchfiles.Change.added, str(r)) for r in roots if now[r] not in (None, seen[r])}
                        break
        except Exception as exc:  # say why, and let the main loop stop
            changes.put(exc)
        finally:
            ready.set()

    watcher = threading.Thread(target=watch_files, name="watch-files", daemon=True)

    def terminate(signum, frame):  # `kill`: stop as cleanly as on Ctrl-C
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminate)
    try:
        watcher.start()
        ready.wait(10)
        if server is not None:
            server.start()
            say(f"serving the web version at {server.url} (Ctrl-C to stop)")
        for key in builder.states:
            report(builder.build(key), "built")
        say(f"watching {len(builder.states)} document{'s' * (len(builder.states) != 1)} for changes"
            f" (Ctrl-C to stop)")
        while True:
            try:
                batches = [changes.get(timeout=0.5)]
            except queue.Empty:
                continue
            while not changes.empty():  # saved again meanwhile: one rebuild for all
                batches.append(changes.get_nowait())
            failed = [b for b in batches if isinstance(b, Exception)]
            if failed:
                print(f"build.py: error: watching files failed: {failed[0]}", file=sys.stderr)
                return EXIT_USAGE
            batch = set().union(*batches)
            added = {p for c, p in batch if c == watchfiles.Change.added}
            gone = {p for c, p in batch if c == watchfiles.Change.deleted}
            # an editor's or sed's temporary file, made and removed within the batch, is no change
            changed = {Path(p).resolve() for _, p in batch if p not in added & gone}
            changed = {p for p in changed if not p.is_relative_to(out)}
            for key in builder.affected(changed):
                names = ", ".join(sorted(display_path(p) for p in changed if p.is_relative_to(key))) or \
                    ", ".join(sorted(display_path(p) for p in changed))
                say(f"{names} changed: rebuilding {display_path(builder.states[key].folder)}")
                report(builder.build(key), "rebuilt")
    except KeyboardInterrupt:
        say("stopped watching")
    finally:
        stop.set()
        if server is not None:
            server.close()
        watcher.join(5)
    return EXIT_OK
