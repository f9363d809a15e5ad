"""``python -m bench excel [--villages N] [--runs R]``: see docs/performance.md."""

import sys

from bench.excel import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] != "excel":
        sys.stderr.write("usage: python -m bench excel [--villages N] [--runs R] [--keep]\n")
        sys.exit(2)
    sys.exit(main(args[1:]))
