#!/usr/bin/env python3
"""Build document folders into PDFs: `python build.py --help`."""

from report.commands.cli import run_and_exit

if __name__ == "__main__":
    run_and_exit()
