"""``python -m bench [core|excel] [--villages N] [--runs R] [--keep]``: see docs/performance.md.
Without a name, both run (core first), on the same database, and the exit status is 1 if
any figure of either missed its target."""

import sys

from bench import core, excel

BENCHES = {"core": core.main, "excel": excel.main}

if __name__ == "__main__":
    args = sys.argv[1:]
    names = [args.pop(0)] if args and args[0] in BENCHES else list(BENCHES)
    if args and not args[0].startswith("-"):
        sys.stderr.write(f"usage: python -m bench [{'|'.join(BENCHES)}] [--villages N] ...\n")
        sys.exit(2)
    status = 0
    for position, name in enumerate(names):
        # The second bench reuses the database the first generated.
        extra = ["--keep"] if position and "--keep" not in args else []
        status |= BENCHES[name]([*args, *extra])
    sys.exit(status)
