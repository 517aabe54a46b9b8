#!/usr/bin/env python3
"""Build document folders into PDFs: `python build.py --help`."""

import sys

from report.commands.cli import main

if __name__ == "__main__":
    sys.exit(main())
