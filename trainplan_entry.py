"""The `trainplan` command's entry point: Ctrl-C while trainplan starts up ends quietly.

Loading the command line takes a moment (click, pydantic, the scenario schema);
an interrupt then would otherwise print a traceback. Once the commands run,
`cli.Commands` handles Ctrl-C itself. Kept apart from `cli` so that nothing of it
needs loading before the interrupt is caught.
"""

from __future__ import annotations

import sys

#: Exit code after Ctrl-C (128 + SIGINT), as `cli` uses.
EXIT_INTERRUPTED = 130


def main() -> None:
    """Load the command line and run it; an interrupt while loading: 'interrupted', exit 130."""
    try:
        from trainplan.cli import main as cli_main
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    cli_main()
