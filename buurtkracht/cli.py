"""`buurtkracht <command>`: the management commands under one name.

buurtkracht run          migrate, load the demo when empty, serve on $PORT (default 8000)
buurtkracht demo         build the demo neighbourhood (--residents N --seed S)
buurtkracht check-db     say whether the database can be reached
buurtkracht <anything>   any other Django management command (migrate, shell, ...)
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not argv:
            return
    if argv:
        argv[0] = argv[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["buurtkracht", *argv])


if __name__ == "__main__":
    main()
