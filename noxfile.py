"""Developer sessions: `nox -s tests`, `nox -s lint`, `nox -s build`, `nox -s proof`, `nox -s i18n`, `nox -s check`."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check code style with ruff."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "noxfile.py")


@nox.session
def build(session: nox.Session) -> None:
    """Build every configured edition into build/ (strict: warnings fail)."""
    session.install("-e", ".")
    session.run("pressrun", "build", "--strict", *session.posargs)


@nox.session
def proof(session: nox.Session) -> None:
    """Proof every edition (DRAFT PDFs and a report in build/proof/); pass --against-revision REV to compare."""
    session.install("-e", ".")
    session.run("pressrun", "proof", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure builds (wall, CPU, peak memory) against WeasyPrint alone; pass --sizes 100,1000."""
    # The test extras too: the generated directories' contents are read as the tests read them.
    session.install("-e", ".[test]")
    session.run("python", "tests/benchmarks/bench.py", *session.posargs)


@nox.session
def i18n(session: nox.Session) -> None:
    """Extract the message templates and update every language's catalogs."""
    session.install("-e", ".")
    session.run("pressrun", "i18n", "extract")
    session.run("pressrun", "i18n", "update")
    session.run("pressrun", "i18n", "status")


@nox.session
def check(session: nox.Session) -> None:
    """Validate content/ and print its summary."""
    session.install("-e", ".")
    session.run("pressrun", "check")
