"""The ``convlab`` command: build the course, manage translations, grade, benchmark.

Examples
--------
::

    convlab build                 # every language; fails on missing translations
    convlab build --check         # exit 1 if a built notebook is stale
    convlab i18n update           # refresh templates and catalogs after editing a lesson
    convlab i18n check            # list missing/fuzzy messages per language
    convlab grade 02-convolution-from-scratch --lang es --jobs 2
    convlab grade 02-convolution-from-scratch --db postgresql://... --scheduler tcp://host:8786
    convlab report 02-convolution-from-scratch --lang es
    convlab bench --sizes 3,7,15,31
"""

from __future__ import annotations

import argparse
import sys

from .i18n import LANGUAGES

__all__ = ["main"]


def _languages(value: str | None) -> list[str]:
    if not value:
        return list(LANGUAGES)
    langs = [x.strip() for x in value.split(",") if x.strip()]
    return langs


def _cmd_build(args) -> int:
    from .build import course
    from .build.notebooks import TranslationError

    langs = _languages(args.lang)
    try:
        if args.check:
            stale = course.check_stale(langs)
            for line in stale:
                print(line)
            if stale:
                print(f"{len(stale)} built file(s) are stale: run `make build` and commit.")
                return 1
            print("Built notebooks are up to date.")
            return 0
        for path in course.build(langs):
            print(f"built {path}")
    except TranslationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_i18n(args) -> int:
    from .build import catalogs, library_catalogs
    from .build.lessons import discover

    langs = [x for x in _languages(args.lang) if x != "en"]
    lessons = discover()
    if args.action == "update":
        for path in catalogs.update(lessons, langs):
            print(f"updated {path}")
        for lang in langs:
            counts = library_catalogs.update(lang)
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            print(f"updated {library_catalogs.catalog_path(lang)} ({summary})")
        return 0
    problems = [str(p) for p in catalogs.check(lessons, langs)]
    problems += [str(p) for p in library_catalogs.check(languages=langs)]
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} message(s) need translation.")
        return 1
    print(f"All messages translated in: {', '.join(langs)}.")
    return 0


def _cmd_grade(args) -> int:
    from .grading import grade_cli

    return grade_cli(args)


def _cmd_report(args) -> int:
    from .grading.report import report_cli

    return report_cli(args)


def _cmd_bench(args) -> int:  # only reached by `convlab bench` with no options
    from . import bench

    return bench.main([])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convlab",
        description="ConvLab course tooling: build notebooks, translations, grading, benchmarks.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the nbgrader course directories course/<lang>/")
    p.add_argument("--lang", help=f"comma-separated languages (default: {','.join(LANGUAGES)})")
    p.add_argument("--check", action="store_true", help="only report stale built notebooks")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("i18n", help="update or check the gettext catalogs (lessons and library)")
    p.add_argument("action", choices=["update", "check"])
    p.add_argument("--lang", help="comma-separated languages (default: all shipped)")
    p.set_defaults(func=_cmd_i18n)

    p = sub.add_parser("grade", help="autograde every submission of a lesson (nbgrader)")
    p.add_argument("lesson", help="lesson (assignment) name, e.g. 02-convolution-from-scratch")
    p.add_argument(
        "--lang",
        help="grade course/<lang>/ (default: the course directory you are in, else en)",
    )
    p.add_argument("--course-dir", help="an nbgrader course directory (overrides --lang)")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: CPU count)")
    p.add_argument("--force", action="store_true", help="regrade every submission, changed or not")
    p.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="regrade this student's submission (repeatable); others are regraded only if changed",
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help="gradebook database URL, e.g. postgresql://grader@dbhost/convlab_es (default: "
        "nbgrader_config.py's c.CourseDirectory.db_url, else sqlite gradebook.db in the course)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on a Dask cluster: its scheduler's address, e.g. tcp://host:8786 "
        "(workers share the course directory; use a PostgreSQL --db)",
    )
    p.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="grade without the OS sandbox (submissions run with your rights); "
        "recorded in the grades CSV",
    )
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser(
        "report", help="class report of a graded lesson: report-<lesson>.csv and .png"
    )
    p.add_argument("lesson", help="lesson (assignment) name, e.g. 02-convolution-from-scratch")
    p.add_argument(
        "--lang",
        help="report on course/<lang>/ (default: the course directory you are in, else en)",
    )
    p.add_argument("--course-dir", help="an nbgrader course directory (overrides --lang)")
    p.add_argument("--db", metavar="URL", help="gradebook database URL (as for `grade`)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("bench", help="time convolution implementations; write a table and a plot")
    p.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        help="options for the benchmark (see `convlab bench -- --help`)",
    )
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # the benchmark owns its options (convlab.bench.main)
        from . import bench

        return bench.main(argv[1:])
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
