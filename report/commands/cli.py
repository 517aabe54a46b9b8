"""The command line: parse arguments, run the pipeline, map problems to exit codes.

Exit status: 0 built; 1 the content or a style is wrong (every problem printed as
`path:line: what is wrong`), or `--preflight --strict` found a problem; 2 the command line
is wrong, or a build meets a WeasyPrint other than the supported one (`internals.check_versions`,
one line; `--check` never loads WeasyPrint and runs on any); 3 an internal error (a bug).
Paths written go to stdout, one a line; progress and problems go to stderr. Nothing heavy is
imported before it is needed: `--help` and `--check` never load WeasyPrint or matplotlib.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from report.errors import Problems, display_path
from report.paths import data_folders, data_root

# Lazy: the commands, imported once chosen: this module imports in about 0.02 s, the commands
# with the pipeline in 0.25-0.4 s more, which `--help` and `--list-series` need not wait for.

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
FORMATS = ("pdf", "print", "html", "docx", "a11y", "cite", "crossref", "datacite")
# WeasyPrint 70's variants (weasyprint.pdf.VARIANTS), named here so that `--help` stays light
PDF_VARIANTS = ("pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b", "pdf/a-3u",
                "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a", "pdf/x-3", "pdf/x-4",
                "pdf/x-5g", "debug")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build document folders (Markdown + YAML) into PDFs in their series' house style.",
        epilog="Exit status: 0 built; 1 the content or a style is wrong (or --preflight --strict "
               "found a problem); 2 the command line is wrong or WeasyPrint is not the supported version; "
               "3 internal error.")
    p.add_argument("folders", nargs="*", type=Path, metavar="DOC_FOLDER",
                   help="document folders to build (default: every folder under data/ with a document.md)")
    p.add_argument("-o", "--out", type=Path, default=Path("out"), metavar="DIR", help="output folder (default: out/)")
    p.add_argument("--format", default="pdf", metavar="LIST",
                   help="comma list of: pdf (screen PDF, default), print (bleed and crop marks, "
                        "<stem>.print.pdf), html (web page, <stem>.html, with its card image), docx (a Word "
                        "proof for the author, <stem>.proof.docx), a11y (accessibility report, <stem>.a11y.json "
                        "and <stem>.a11y.html; alone, it checks the PDF and web page unwritten), cite (<stem>.bib, "
                        ".ris, .csl.json), crossref (Crossref deposit XML), datacite (DataCite JSON)")
    p.add_argument("--series", metavar="ID", help="build with this series instead of the one in the front matter")
    p.add_argument("--styles", type=Path, action="append", default=[], metavar="DIR",
                   help="another folder of series, searched before styles/ (repeatable)")
    p.add_argument("--pdf-variant", metavar="NAME", default=None,
                   help="PDF variant passed to WeasyPrint, e.g. pdf/a-3b (default: pdf/ua-1, tagged)")
    p.add_argument("--check", action="store_true", help="validate only; write nothing")
    p.add_argument("--proof", action="store_true",
                   help="a proof for the author, <stem>.proof.pdf: placeholders and problems shown on the page, "
                        "line numbers, a PROOF mark on every page; never the final PDF")
    p.add_argument("--low-memory", action="store_true",
                   help="keep chart drawing and page layout apart: peak memory near WeasyPrint's own, "
                        "slower first builds (automatic when under 1 GiB is free)")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="build up to N documents at once (default: one per processor core)")
    p.add_argument("--preflight", action="store_true",
                   help="after building, check each PDF as a print shop would, and the document's "
                        "accessibility, and list each problem")
    p.add_argument("--strict", action="store_true", help="with --preflight: any problem makes the exit status 1")
    p.add_argument("--bundle", type=Path, metavar="FILE",
                   help="build an event reader from FILE (reader.yaml): cover, contents, every document")
    p.add_argument("--documents-root", type=Path, action="append", default=[], metavar="DIR",
                   help="with --bundle: another folder the reader's documents may lie under, beside the "
                        "reader's own folder and data/ (repeatable)")
    p.add_argument("--watch", action="store_true",
                   help="rebuild whenever a document, its charts, a style, a template or a series changes")
    p.add_argument("--serve", nargs="?", const=8000, type=int, metavar="PORT",
                   help="with --watch: serve the web version on localhost:PORT (default 8000) and reload "
                        "the browser after each rebuild")
    p.add_argument("--import", dest="import_file", type=Path, metavar="FILE.docx",
                   help="turn a Word file into a document folder (data/<slug>/, or --into), then exit; "
                        "needs: pip install -e '.[import]'")
    p.add_argument("--into", type=Path, metavar="FOLDER", help="with --import: the folder to write")
    p.add_argument("--force", action="store_true",
                   help="build every document, even those up to date; with --import: replace the folder")
    p.add_argument("--shard", metavar="K/N", type=_shard,
                   help="build only shard K of N (1 ≤ K ≤ N): a stable share of the documents, for CI matrix jobs")
    p.add_argument("--list", action="store_true",
                   help="list the document folders (default: every one under data/) with their series, language, "
                        "number, date, title and status (ok, up to date, or how many problems --check finds), then exit")
    p.add_argument("--json", action="store_true", help="with --list: print the list as JSON")
    p.add_argument("--list-series", action="store_true", help="list the series with their parents, then exit")
    p.add_argument("--new-series", metavar="ID", help="create styles/ID (or in the first --styles folder), then exit")
    p.add_argument("--extends", metavar="PARENT",
                   help="with --new-series: the parent series (default: sceeus-commentary); with --reader, "
                        "your publisher's series, whose identity the reader takes")
    p.add_argument("--reader", action="store_true",
                   help="with --new-series: make a reader series, the cover and contents of --bundle in the "
                        "identity of --extends (e.g. --new-series acme-reader --reader --extends acme-brief)")
    loud = p.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    loud.add_argument("-v", "--verbose", action="store_true", help="print more, and tracebacks of internal errors")
    return p


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    try:
        k, n = int(k), int(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write K/N, e.g. 1/4, not {text!r}") from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"K must be from 1 to N, not {text!r}")
    return k, n


def import_word(args, p) -> int:
    if args.folders or args.bundle or args.watch or args.check:
        p.error("--import takes no document folders, --bundle, --watch or --check")
    if not args.import_file.is_file():
        p.error(f"--import: no such file: {args.import_file}")
    from report.commands.import_word import run
    try:
        return run(args.import_file, args.into, args.force, args.series, tuple(args.styles), args.quiet)
    except KeyboardInterrupt:  # the folder is written whole or not at all (import_word.write)
        print("interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED


def list_series(roots: tuple[Path, ...]) -> int:
    from report.series.resolve import BASE, known_series, resolve

    for series_id in sorted(known_series(roots)):
        if series_id == BASE:
            continue
        problems = Problems()
        series = resolve(series_id, problems, roots)
        if series is None:
            print(f"{series_id:28} (broken: {problems[0]})")
        else:
            print(f"{series_id:28} {series.name:32} extends {' → '.join(series.chain[1:])}")
    return EXIT_OK


def new_series(args, p) -> int:
    from report.commands.new_series import ReaderParent, new_series as scaffold
    from report.commands.reader_series import is_reader, publisher_name
    from report.series.resolve import SERIES_ID, STYLES, known_series, resolve, series_roots

    roots = series_roots(tuple(args.styles))
    if not SERIES_ID.match(args.new_series):
        p.error(f"--new-series: {args.new_series!r} is not a series id (lowercase letters, digits, '-')")
    if args.new_series in known_series(roots):
        p.error(f"--new-series: the series '{args.new_series}' exists already")
    if args.reader and args.extends is None:
        p.error("--reader: name your publisher's series, whose identity the reader takes: --extends SERIES")
    parent = args.extends or "sceeus-commentary"
    if parent not in known_series(roots):
        p.error(f"--extends: unknown series '{parent}'")
    reader = None
    problems = Problems()
    series = resolve(parent, problems, roots)
    if series is None:
        p.error(f"--extends: the series '{parent}' has problems: {problems[0]}")
    if args.reader or is_reader(series):  # a reader's child is a reader: it inherits the template
        reader = ReaderParent(publisher_name(series), is_reader(series))
    root = args.styles[0] if args.styles else STYLES
    for path in scaffold(args.new_series, parent, root, reader):
        print(display_path(path))
    return EXIT_OK


def proof_usage(args, formats: tuple[str, ...], p) -> None:
    """--proof makes one screen PDF under its own name: no other format, no PDF/X, no preview."""
    if formats != ("pdf",):
        p.error(f"--proof makes one PDF, <stem>.proof.pdf, never a final one: it does not go with --format "
                f"{','.join(formats)}")
    if args.pdf_variant is not None and args.pdf_variant.startswith("pdf/x"):
        p.error(f"--proof is never PDF/X: it does not go with --pdf-variant {args.pdf_variant}")
    for name, given in (("--check", args.check), ("--watch", args.watch), ("--bundle", args.bundle is not None)):
        if given:
            p.error(f"--proof does not go with {name}")


def run_and_exit() -> None:
    """The command run as a program (`build.py`, `python -m report`): `main`, then the exit.

    Everything is written and closed when `main` returns. What the process still holds (a
    laid-out document, parsed stylesheets, fonts) is frozen out of the garbage collector, so
    the interpreter's last collections at exit do not walk it: they took 0.1-0.3 s, a tenth of
    a repeat build, and collected nothing anyone would see. Not done inside `main`, which tests
    call many times in one process.
    """
    status = main()
    gc.freeze()
    sys.exit(status)


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    for folder in args.styles:
        if not folder.is_dir():
            p.error(f"--styles: no such folder: {folder}")
    if args.list_series:
        from report.series.resolve import series_roots
        return list_series(series_roots(tuple(args.styles)))
    if args.new_series:
        return new_series(args, p)
    if args.reader or args.extends is not None:
        p.error("--reader and --extends go with --new-series")
    if args.import_file is not None:
        return import_word(args, p)
    if args.into is not None:
        p.error("--into goes with --import")

    formats = tuple(dict.fromkeys(f.strip() for f in args.format.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        p.error(f"--format: unknown format {', '.join(unknown) or '(empty)'}; choose from {', '.join(FORMATS)}")
    if args.jobs is not None and args.jobs < 1:
        p.error("--jobs must be 1 or more")
    if args.pdf_variant is not None and args.pdf_variant not in PDF_VARIANTS:
        p.error(f"--pdf-variant: unknown variant {args.pdf_variant!r}; choose from {', '.join(PDF_VARIANTS)}")
    if args.strict and not args.preflight:
        p.error("--strict goes with --preflight")
    if args.preflight and not ({"pdf", "print"} & set(formats)):
        p.error("--preflight checks PDFs: add pdf or print to --format")
    if args.proof:
        proof_usage(args, formats, p)
        formats = ("proof",)
    for folder in args.folders:
        if not folder.is_dir():
            p.error(f"no such folder: {folder}")
    if args.bundle is not None and (args.folders or args.watch):
        p.error("--bundle takes no document folders or --watch")
    if args.bundle is not None and set(formats) - {"pdf", "print"}:
        p.error("--bundle makes PDFs: --format pdf, print or pdf,print")
    if args.documents_root and args.bundle is None:
        p.error("--documents-root goes with --bundle")
    for root in args.documents_root:
        if not root.is_dir():
            p.error(f"--documents-root: no such folder: {root}")
    if args.bundle is not None and not os.path.lexists(args.bundle):  # a pipe or a link: refused when read
        p.error(f"--bundle: no such file: {args.bundle}")
    folders = [args.bundle] if args.bundle else (args.folders or data_folders())
    if not folders:
        p.error("no document folders given and none found under data/")
    if args.serve is not None and not args.watch:
        p.error("--serve goes with --watch")
    if args.watch and args.check:
        p.error("--watch builds on every change; it does not go with --check")
    if not (args.check or args.list):  # pages will be laid out: only on the WeasyPrint this builder is written for
        from report import internals
        problem = internals.check_versions()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
    if args.shard and (args.bundle or args.watch):
        p.error("--shard goes with a build of document folders, not --bundle or --watch")

    from report import cache, prepare, workers
    from report.commands import batch, record
    from report.commands.progress import Progress

    if args.shard:
        folders = record.shard(folders, *args.shard)
        if not folders:
            print(f"shard {args.shard[0]}/{args.shard[1]}: no documents", file=sys.stderr)
            return EXIT_OK

    free = None if args.low_memory else workers.available_bytes()
    short = workers.memory_is_short(free)  # low-memory mode chosen for the user: say so below
    options = prepare.Options(
        out_dir=args.out, formats=formats, series=args.series, style_roots=tuple(args.styles),
        pdf_variant=args.pdf_variant or prepare.Options.pdf_variant, preflight=args.preflight,
        low_memory=args.low_memory or short,
        document_roots=(data_root(), *args.documents_root) if args.bundle else (),
        progress=len(formats) > 1 and not (args.quiet or args.check or args.watch) and args.bundle is None)
    jobs = args.jobs or batch.jobs_default()
    if args.json and not args.list:
        p.error("--json goes with --list")
    if args.list:
        if args.bundle is not None or args.watch:
            p.error("--list takes document folders, not --bundle or --watch")
        from report.commands import listing
        return listing.run(folders, options, args.json)
    cache.probe(options.cache)  # before any helper or worker starts: one notice, not one a process
    if short and not (args.quiet or args.check):
        print(f"{free >> 20} MB of memory free: building in low-memory mode (see --low-memory)",
              file=sys.stderr)

    # What was built before and has not changed since is not built again (the record in the
    # output folder); --force builds all, --check and --bundle always run.
    built = None if args.check or args.bundle or args.watch or args.proof else record.Record(options.out_dir)
    chains: dict = {}  # each series chain resolved once, not once a document
    keys = {folder: record.inputs(folder, options, built.entry(folder), chains)
            for folder in folders} if built is not None else {}
    current = {} if built is None or args.force else {f: e for f in folders if (e := built.up_to_date(f, keys[f].key))}
    folders = [f for f in folders if f not in current]
    progress = Progress(len(folders), up_to_date=len(current))

    def started(folder: Path) -> None:
        if not args.quiet and not args.check:
            progress.clear()
            print(f"building {display_path(folder)} …", file=sys.stderr, flush=True)

    if args.watch:
        from report.commands import watch
        return watch.run(folders, options, serve_port=args.serve, quiet=args.quiet, verbose=args.verbose)

    status = EXIT_OK
    for folder, entry in current.items():
        for line in entry.preflight:
            print(line, file=sys.stderr if entry.preflight_failed else sys.stdout)
        if args.strict and entry.preflight_failed:
            status = EXIT_CONTENT
        if not args.quiet:
            print(f"{display_path(folder)}: up to date", file=sys.stderr, flush=True)
    if args.bundle:
        started(args.bundle)
        outcomes = iter([batch.bundle(args.bundle, options, args.verbose, args.check)])
    else:
        outcomes = batch.run(folders, options, jobs, args.check, args.verbose, started)
    noticed: set[str] = set()  # each worker says what it found of the machine: printed once
    warned: set[str] = set()  # a series' warning (at its series.yaml) is every document's: printed once
    try:
        for outcome in outcomes:
            progress.clear()
            if built is not None:
                if outcome.ok:
                    built.built(outcome.folder, keys.get(outcome.folder), outcome.written, outcome.preflight,
                               outcome.preflight_failed)
                else:
                    built.failed(outcome.folder)
            for line in outcome.notices:
                if line not in noticed:
                    noticed.add(line)
                    print(line, file=sys.stderr, flush=True)
            for path in outcome.written:
                print(display_path(path), flush=True)
            for line in outcome.warnings:
                if line not in warned:
                    warned.add(line)
                    print(line, file=sys.stderr)
            for line in outcome.problems:
                print(line, file=sys.stderr)
            for line in outcome.notes:
                print(line)
            for line in outcome.preflight:
                print(line, file=sys.stderr if outcome.preflight_failed else sys.stdout)
            if outcome.internal:
                print(outcome.internal, file=sys.stderr)
                status = EXIT_INTERNAL
            elif outcome.problems or (args.strict and outcome.preflight_failed):
                status = max(status, EXIT_CONTENT)
            elif not args.quiet:
                verb = "ok" if args.check else f"built in {outcome.seconds:.1f} s"
                print(f"{display_path(outcome.folder)}: {verb}", file=sys.stderr, flush=True)
            first = (outcome.problems or (outcome.internal,) if not outcome.ok else (None,))[0]
            if not args.quiet:
                progress.finished(outcome.folder, first.splitlines()[0] if first else None)
    except KeyboardInterrupt:
        progress.clear()
        print("interrupted; earlier output is untouched", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress.clear()
    if not args.quiet and not args.check and len(folders) + len(current) > 1:
        for line in progress.summary():
            print(line, file=sys.stderr)
    return status
