"""Command line: argument parsing, output and exit codes.

The only module that turns errors into exit codes: 0 clean, 1 problems found,
2 usage error. User mistakes are printed as `path:line:col: message`, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .config import load_config
from .content import load, word_count
from .errors import ProblemsFound

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _check(args: argparse.Namespace) -> int:
    config = load_config(args.project)
    directory = load(config.root, config.content)
    parts = directory.publication.parts
    print(f"{len(parts)} parts, {len(directory.profiles)} profiles, {word_count(directory):,} words: content is valid")
    return EXIT_OK


def _reference(args: argparse.Namespace) -> int:
    from .reference import content_reference

    print(content_reference(), end="")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="pressrun", description="Build publications from structured content.")
    main.add_argument("--version", action="version", version=f"pressrun {__version__}")
    main.add_argument(
        "--project",
        type=Path,
        default=Path.cwd(),
        help="project folder holding pyproject.toml (default: current folder)",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="validate content/ and print a summary")
    check.set_defaults(run=_check)
    reference = commands.add_parser("reference", help="print the content format reference (Markdown)")
    reference.set_defaults(run=_reference)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.project = args.project.resolve()
    try:
        return args.run(args)
    except ProblemsFound as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        errors = sum(1 for p in error.problems if p.level.value == "error")
        print(f"{errors} error(s): nothing was built", file=sys.stderr)
        return EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
