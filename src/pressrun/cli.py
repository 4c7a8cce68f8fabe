"""Command line: argument parsing, output and exit codes.

The only module that turns errors into exit codes: 0 clean, 1 problems found,
2 usage error. User mistakes are printed as `path:line:col: message`, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import sys
import time
from pathlib import Path

from . import __version__
from .config import CONFIG_FILE, PDF_VARIANT_NAMES, load_config
from .errors import Level, ProblemsFound

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# As a program killed by SIGPIPE reports it to a shell (128 + 13).
EXIT_BROKEN_PIPE = 141
# What the user is told a command did when it stopped on problems.
OUTCOME_ON_ERRORS = {
    "build": "nothing was built",
    "proof": "no proof was made",
    "check": "the content is not valid",
    "i18n": "the catalogs were not changed",
    "edition": "the content was not changed",
    "intake": "no profile was changed",
    "changes": "no report was written",
}


def _check(args: argparse.Namespace) -> int:
    from .content import load
    from .content.texts import word_count

    config = load_config(args.project)
    book = load(config)
    parts = book.publication.parts
    print(f"{len(parts)} parts, {len(book.profiles)} profiles, {word_count(book):,} words: content is valid")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .build import build
    from .errors import Level

    config = load_config(args.project)
    started = time.perf_counter()
    with _progress(args.quiet) as report:
        result = build(
            config,
            strict=args.strict,
            allow_untranslated=args.allow_untranslated,
            drafts=args.drafts,
            variants=tuple(args.variant) if args.variant else None,
            jobs=args.jobs,
            force=args.force,
            progress=report,
        )
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not args.quiet:
        for built in result.files:
            unit = "documents" if built.path.suffix == ".epub" else "pages"
            print(f"wrote {config.shown(built.path)} ({built.pages} {unit})")
        for language in result.up_to_date:
            print(f"{language}: up to date")
        count = sum(problem.level is Level.WARNING for problem in result.problems)
        warnings = f", {count} warning(s)" if count else ""
        print(f"built {len(result.files)} file(s) in {time.perf_counter() - started:.1f} s{warnings}")
    return EXIT_OK


@contextlib.contextmanager
def _progress(quiet: bool):
    """Each edition's stage on standard error: a live line per edition on a terminal, a
    line per new stage in a log (CI); nothing when quiet."""
    if quiet:
        yield None
        return
    if not sys.stderr.isatty():
        shown: dict[str, str] = {}

        def log(language: str, stage: str, completed: int = 0, total: int = 0) -> None:
            if shown.get(language) != stage:
                shown[language] = stage
                print(f"{language}: {stage}", file=sys.stderr, flush=True)

        yield log
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # Refreshed by each report rather than by a thread: the build forks worker processes.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        auto_refresh=False,
    ) as progress:
        tasks: dict[str, int] = {}

        def report(language: str, stage: str, completed: int = 0, total: int = 0) -> None:
            if language not in tasks:
                tasks[language] = progress.add_task(language, total=None)
            task = tasks[language]
            if stage == "done":
                total = completed = progress.tasks[task].total or 1
            # A stage without counts keeps the bar where the last count left it.
            counts = {"completed": completed, "total": total} if total else {}
            progress.update(task, description=f"{language}: {stage}", **counts)
            progress.refresh()

        yield report


def _preview(args: argparse.Namespace) -> int:
    from .preview import serve

    if not (args.project / CONFIG_FILE).is_file():
        print(f"pressrun preview: no {CONFIG_FILE} in {args.project}: pass --project", file=sys.stderr)
        return EXIT_USAGE
    # Mistakes in the project do not stop the preview: it shows them until they are mended.
    serve(args.project, args.language, args.host, args.port, args.jobs, lambda line: print(line, flush=True))
    return EXIT_OK


def _proof(args: argparse.Namespace) -> int:
    from .content import load
    from .errors import Level
    from .proof import make_proof, proof_profile, summary

    config = load_config(args.project)
    if args.profile:
        book = load(config)
        if args.profile not in book.profiles:
            print(f"pressrun proof: no profile {args.profile!r} in {config.content}/profiles", file=sys.stderr)
            return EXIT_USAGE
        report = proof_profile(config, args.profile)
        for edition in report.editions:
            print(f"wrote {config.shown(config.proof_path(edition.language, book.publication.year, args.profile))}")
    else:
        against = args.against.resolve() if args.against else None
        report = make_proof(config, against=against, against_revision=args.against_revision)
    for line in summary(report):
        print(line)
    if report.count(Level.ERROR) or (args.strict and report.count(Level.WARNING)):
        return EXIT_PROBLEMS
    return EXIT_OK


def _i18n(args: argparse.Namespace) -> int:
    from .content import load
    from .i18n import catalogs

    config = load_config(args.project)
    source_language = load(config).publication.language
    if args.action == "extract":
        for domain, changed in catalogs.extract(config).items():
            print(f"{config.shown(catalogs.template_path(config, domain))}: {'updated' if changed else 'unchanged'}")
    elif args.action == "update":
        written = catalogs.update(config, source_language)
        for path in written:
            print(f"{config.shown(path)}: updated")
        if not written:
            print("catalogs already up to date")
    elif args.action == "compile":
        for path in catalogs.compile_catalogs(config, source_language):
            print(f"wrote {config.shown(path)}")
    else:
        return _i18n_status(config, source_language, args.min_translated)
    return EXIT_OK


def _i18n_status(config, source_language: str, minimum: float | None) -> int:
    from .i18n import catalogs

    below = False
    print(f"{'language':<9}{'domain':<10}{'translated':>11}{'fuzzy':>7}{'untranslated':>14}{'done':>8}")
    for item in catalogs.status(config, source_language):
        draft = item.language in config.drafts
        print(
            f"{item.language:<9}{item.domain:<10}{item.translated:>11}{item.fuzzy:>7}"
            f"{item.untranslated:>14}{item.percent:>7.1f}%{'  draft' if draft else ''}"
        )
        below = below or (minimum is not None and not draft and item.percent < minimum)
    _glossary_status(config, source_language)
    if below:
        print(f"translation below {minimum:g}% in at least one catalog of a released language", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _glossary_status(config, source_language: str) -> None:
    from .i18n.glossary import glossary_coverage

    coverage = glossary_coverage(config, source_language)
    if coverage:
        print(f"\n{'language':<9}{'glossary':<26}{'terms':>6}{'in use':>8}{'uses':>6}{'follow':>9}")
    for item in coverage:
        print(f"{item.language:<9}{item.shown:<26}{item.terms:>6}{item.used:>8}{item.uses:>6}{item.percent:>8.1f}%")


def _preflight(args: argparse.Namespace) -> int:
    from .errors import Origin, Problem
    from .pdf.preflight import RULES, preflight_problems

    failed = False
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as error:
            problems = [Problem(Level.ERROR, Origin(str(path)), "missing-file", f"cannot read it: {error.strerror}")]
        else:
            problems = preflight_problems(data, Origin(str(path)))
        for problem in problems:
            print(problem, file=sys.stderr)
        verdict = f"{len(problems)} failure(s)" if problems else "passes"
        print(f"{path}: {verdict} ({len(RULES)} preflight rules)")
        failed = failed or bool(problems)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _edition(args: argparse.Namespace) -> int:
    from .content import load
    from .content.cycle import approve, start_edition
    from .files import today

    config = load_config(args.project)
    if args.action == "start":
        started = start_edition(config, args.year, args.date, today())
        for notice in started.stale_texts:
            print(notice, file=sys.stderr)
        print(
            f"publication: {started.previous_year} edition → {started.year}, event on {args.date.isoformat()}; "
            f"{started.profiles} profiles awaiting their organisations' updates"
        )
        return EXIT_OK
    unknown = [profile_id for profile_id in args.ids if profile_id not in load(config).profiles]
    if unknown:
        print(
            f"pressrun edition approve: no profile {', '.join(map(repr, unknown))} in {config.content}/profiles",
            file=sys.stderr,
        )
        return EXIT_USAGE
    for shown in approve(config, args.ids, today()):
        print(f"{shown}: approved")
    return EXIT_OK


def _intake(args: argparse.Namespace) -> int:
    from .content import load
    from .files import today
    from .intake import export_forms, import_forms

    config = load_config(args.project)
    if args.profile and args.profile not in load(config).profiles:
        print(f"pressrun intake: no profile {args.profile!r} in {config.content}/profiles", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "export":
        if args.language and args.language not in config.languages:
            print(f"pressrun intake export: --language {args.language} is not a configured language", file=sys.stderr)
            return EXIT_USAGE
        for path in export_forms(config, [args.profile] if args.profile else None, args.format, args.language):
            print(f"wrote {config.shown(path)}")
        return EXIT_OK
    files = [(Path(name).absolute(), name) for name in args.files]
    for imported in import_forms(config, files, today(), profile=args.profile, force=args.force):
        if not imported.changes:
            print(f"{imported.profile_id}: no change")
            continue
        print(f"{imported.profile_id}: {len(imported.changes)} change(s) written to {imported.shown}, status received")
        for change in imported.changes:
            print(f"  {change}")
    return EXIT_OK


def _changes(args: argparse.Namespace) -> int:
    from .proof.changes import CHANGES_FOLDER, change_summary, make_changes

    config = load_config(args.project)
    report = make_changes(config, args.since)
    for line in change_summary(report):
        print(line)
    print(f"report: {config.shown(config.output_dir / CHANGES_FOLDER / 'report.html')}")
    return EXIT_OK


def _reference(args: argparse.Namespace) -> int:
    from .content.reference import content_reference

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
    build = commands.add_parser("build", help="build every configured edition into the output folder")
    build.add_argument("--strict", action="store_true", help="fail on warnings (engine warnings included)")
    build.add_argument(
        "--variant",
        action="append",
        choices=PDF_VARIANT_NAMES,
        help="build only this PDF variant (repeatable; default: the configured pdf_variants)",
    )
    build.add_argument(
        "--allow-untranslated",
        action="store_true",
        help="show the source text where a translation is missing or fuzzy (marked with its language) instead of failing",
    )
    build.add_argument(
        "--drafts",
        action="store_true",
        help="build the draft languages too, the source text standing in where a translation is missing",
    )
    build.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="editions built at once (default: cores)"
    )
    build.add_argument(
        "--force", action="store_true", help="build every edition, even those whose inputs did not change"
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    build.set_defaults(run=_build)
    preview = commands.add_parser(
        "preview", help="show an edition's pages in a browser, updated after each save (a local web server)"
    )
    preview.add_argument("--language", metavar="LL", help="the edition to show (default: the first configured)")
    preview.add_argument(
        "--port", type=int, default=8000, metavar="N", help="port to listen on (default: 8000; 0: any free one)"
    )
    preview.add_argument(
        "--host", default="127.0.0.1", metavar="H", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    preview.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="layout processes (default: cores)"
    )
    preview.set_defaults(run=_preview)
    proof = commands.add_parser(
        "proof", help="proof every edition: DRAFT PDFs and a report (HTML, JSON, console) in <output>/proof/"
    )
    proof.add_argument("--profile", metavar="ID", help="proof one profile in each language, to send for approval")
    against = proof.add_mutually_exclusive_group()
    against.add_argument("--against", type=Path, metavar="DIR", help="compare with a previous proof folder")
    against.add_argument("--against-revision", metavar="REV", help="compare with the proof of a git revision")
    proof.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    proof.set_defaults(run=_proof)
    i18n = commands.add_parser("i18n", help="translation catalogs: extract, update, compile, status")
    i18n.add_argument(
        "action",
        choices=["extract", "update", "compile", "status"],
        help="extract: write locales/<domain>.pot; update: merge templates into each language's .po; "
        "compile: check catalogs and write .mo files; status: translated, fuzzy, untranslated per catalog",
    )
    i18n.add_argument(
        "--min-translated",
        type=float,
        metavar="PERCENT",
        help="with status: exit 1 if a catalog of a released language (not a draft) is translated below PERCENT",
    )
    i18n.set_defaults(run=_i18n)
    preflight = commands.add_parser(
        "preflight", help="check print PDFs against the PDF/X-4 rules pressrun checks and its own promises"
    )
    preflight.add_argument("files", type=Path, nargs="+", metavar="FILE", help="a PDF to check")
    preflight.set_defaults(run=_preflight)
    edition = commands.add_parser(
        "edition", help="the yearly cycle: start next year's edition, mark profiles approved by their organisations"
    )
    edition_actions = edition.add_subparsers(dest="action", required=True, metavar="ACTION")
    start = edition_actions.add_parser("start", help="move the publication to YEAR, every profile awaiting its update")
    start.add_argument("year", type=int, metavar="YEAR", help="the new edition's year")
    start.add_argument(
        "--date", required=True, type=datetime.date.fromisoformat, metavar="YYYY-MM-DD", help="the event's date"
    )
    approve = edition_actions.add_parser("approve", help="mark profiles as approved by their organisations")
    approve.add_argument("ids", nargs="+", metavar="ID", help="the profiles")
    edition.set_defaults(run=_edition)
    intake = commands.add_parser(
        "intake", help="the organisations' forms: export each entry as a form, import the returned forms"
    )
    intake_actions = intake.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = intake_actions.add_parser("export", help="write <output>/forms/<name>-<id>.docx (or .xlsx)")
    export.add_argument("--profile", metavar="ID", help="only this profile's form")
    export.add_argument("--format", choices=["docx", "xlsx"], default="docx", help="Word (default) or spreadsheet")
    export.add_argument("--language", metavar="LL", help="the instructions' language (default: the content's)")
    answers = intake_actions.add_parser("import", help="check returned forms and write their changes into the profiles")
    answers.add_argument("files", nargs="+", metavar="FILE", help="the returned forms")
    answers.add_argument("--profile", metavar="ID", help="the form must be this profile's")
    answers.add_argument("--force", action="store_true", help="apply a form even if its entry changed since its export")
    intake.set_defaults(run=_intake)
    changes = commands.add_parser(
        "changes", help="what changed since a revision: content per field, and each language's translation work"
    )
    changes.add_argument(
        "--since", required=True, metavar="REV", help="a git tag or commit, e.g. the previous edition's"
    )
    changes.set_defaults(run=_changes)
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
        outcome = OUTCOME_ON_ERRORS.get(args.command, "stopped")
        if error.errors:
            print(f"{len(error.errors)} error(s): {outcome}", file=sys.stderr)
        else:
            print(f"{len(error.problems)} warning(s) and --strict: {outcome}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        # The reader of the output went away (`pressrun i18n status | head`): what it
        # did not read is not wanted. Output still buffered for it goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
