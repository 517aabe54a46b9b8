"""The command line: parse arguments, run the pipeline, map problems to exit codes.

Exit status: 0 built, 1 the content or a style is wrong (every problem printed as
`path:line: what is wrong`), 2 the command line is wrong. Paths written go to stdout, one a
line; progress and problems go to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import BuildError, ContentError, ContentErrors, display_path

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("pdf", "print", "html")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build document folders (Markdown + YAML) into PDFs in their series' house style.",
        epilog="Exit status: 0 built; 1 the content or a style is wrong; 2 the command line is wrong.")
    p.add_argument("folders", nargs="*", type=Path, metavar="DOC_FOLDER",
                   help="document folders to build (default: every folder under data/ with a document.md)")
    p.add_argument("-o", "--out", type=Path, default=Path("out"), metavar="DIR", help="output folder (default: out/)")
    p.add_argument("--format", default="pdf", metavar="LIST",
                   help="comma list of: pdf (screen PDF, default), print, html")
    p.add_argument("--series", metavar="ID", help="build with this series instead of the one in the front matter")
    p.add_argument("--styles", type=Path, action="append", default=[], metavar="DIR",
                   help="another folder of series, searched before styles/ (repeatable)")
    p.add_argument("--pdf-variant", metavar="NAME", default=None,
                   help="PDF variant passed to WeasyPrint, e.g. pdf/a-3b (default: pdf/ua-1, tagged)")
    p.add_argument("--check", action="store_true", help="validate only; write nothing")
    loud = p.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    loud.add_argument("-v", "--verbose", action="store_true", help="print more, and tracebacks of internal errors")
    return p


def data_folders() -> list[Path]:
    from .series import ROOT
    data = Path("data") if Path("data").is_dir() else ROOT / "data"
    return sorted(p.parent for p in data.glob("*/document.md"))


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    formats = tuple(dict.fromkeys(f.strip() for f in args.format.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        p.error(f"--format: unknown format {', '.join(unknown) or '(empty)'}; choose from {', '.join(FORMATS)}")
    for folder in args.folders:
        if not folder.is_dir():
            p.error(f"no such folder: {folder}")
    for folder in args.styles:
        if not folder.is_dir():
            p.error(f"--styles: no such folder: {folder}")
    folders = args.folders or data_folders()
    if not folders:
        p.error("no document folders given and none found under data/")

    from . import pipeline

    options = pipeline.Options(
        out_dir=args.out, formats=formats, series=args.series, style_roots=tuple(args.styles),
        pdf_variant=args.pdf_variant or pipeline.Options.pdf_variant)
    failed = False
    for folder in folders:
        try:
            if args.check:
                pipeline.check(folder, options)
                if not args.quiet:
                    print(f"{display_path(folder)}: ok", file=sys.stderr)
                continue
            if not args.quiet:
                print(f"building {display_path(folder)} …", file=sys.stderr, flush=True)
            start = time.perf_counter()
            written = pipeline.build(folder, options)
            for path in written:
                print(display_path(path), flush=True)
            if not args.quiet:
                print(f"  done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        except ContentErrors as exc:
            failed = True
            for error in exc.errors:
                print(error, file=sys.stderr)
        except ContentError as exc:
            failed = True
            print(exc, file=sys.stderr)
        except BuildError as exc:
            failed = True
            print(f"{display_path(folder / 'document.md')}: {exc}", file=sys.stderr)
        except KeyboardInterrupt:
            print("interrupted; earlier output is untouched", file=sys.stderr)
            return 130
        except Exception as exc:  # a bug in the builder, not in the content
            if args.verbose:
                raise
            print(f"{display_path(folder)}: internal error: {type(exc).__name__}: {exc} "
                  "(run with -v for the traceback)", file=sys.stderr)
            return EXIT_INTERNAL
    return EXIT_CONTENT if failed else EXIT_OK
