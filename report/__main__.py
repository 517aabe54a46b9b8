import sys

from report.commands.cli import main

sys.exit(main())
