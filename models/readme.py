"""Rewrite README's rule table from the declarations (`python -m trainplan.models.readme`)."""

from __future__ import annotations

import sys
from pathlib import Path

from trainplan.models.files import write_atomic
from trainplan.models.rules import with_rule_table


def main(argv: list[str]) -> int:
    """Rewrite the rule table of the README named in `argv` (atomically)."""
    (readme,) = argv
    path = Path(readme)
    write_atomic(path, with_rule_table(path.read_text("utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
