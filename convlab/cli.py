"""The ``convlab`` command: build the course, manage translations, grade, benchmark.

Examples
--------
::

    convlab build                 # every language; fails on missing translations
    convlab build --check         # exit 1 if a built notebook is stale (rebuilds to compare)
    convlab build --up-to-date    # exit 1 if sources or built files changed since the last build
    convlab i18n init fr          # a new language: its catalogs, its JupyterLab language pack
    convlab i18n update           # refresh templates and catalogs after editing a lesson
    convlab i18n check            # statistics per language and lesson; fuzzy and missing messages
    convlab build --preview fr    # a partly translated language, into build/preview/fr
    convlab grade 02-convolution-from-scratch --lang es --jobs 2
    convlab grade 02-convolution-from-scratch --db postgresql://... --scheduler tcp://host:8786
    convlab report 02-convolution-from-scratch --lang es
    convlab export 01-images-as-arrays 02-convolution-from-scratch --to canvas \
        --roster roster.csv --output canvas-grades.csv
    convlab bench --sizes 3,7,15,31
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def _languages(value: str | None) -> list[str]:
    """The languages named in `value`, or the course's (those with catalogs in course/locales)."""
    if not value:
        from .coursebuild.catalogs import languages

        return languages()
    langs = [x.strip() for x in value.split(",") if x.strip()]
    return langs


def _cmd_build(args) -> int:
    langs = _languages(args.lang)
    if args.up_to_date:  # fast: hashes only, no import of nbformat or nbgrader
        from .coursebuild import manifest

        changed = manifest.differences(langs)
        for line in changed[:20]:
            print(line)
        if changed:
            print(f"The built course differs from its sources ({len(changed)} change(s)).")
            return 1
        print("The built course matches its sources (hashes recorded by the last build).")
        return 0
    from .coursebuild import course
    from .coursebuild.notebooks import TranslationError

    try:
        if args.preview:
            path = course.build_preview(args.preview)
            print(f"built preview {path} (not shipped; open it with `jupyter lab {path}`)")
            return 0
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
    from .coursebuild import catalogs, languages, library_catalogs
    from .coursebuild.lessons import discover

    if args.action == "init":
        if not args.language:
            print("error: `convlab i18n init` needs a language code, e.g. fr", file=sys.stderr)
            return 2
        try:
            written = languages.init(args.language, name=args.name, pack=args.pack)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for path in written:
            print(f"created {path}")
        print(
            f"Next: translate the catalogs, preview with `convlab build --preview {args.language}`, "
            f"check with `convlab i18n check --lang {args.language}`, then `make build`."
        )
        return 0
    langs = [x for x in _languages(args.lang) if x != "en"]
    lessons = discover()
    if args.action == "update":
        for path in catalogs.update(lessons, langs):
            print(f"updated {path}")
        print(f"updated {library_catalogs.write_template()}")
        for lang in langs:
            counts = library_catalogs.update(lang)
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            print(f"updated {library_catalogs.catalog_path(lang)} ({summary})")
        return 0
    return _report(lessons, langs)


def _report(lessons, langs: list[str]) -> int:
    """`convlab i18n check`: statistics per language and lesson, then every problem."""
    from .coursebuild import catalogs, library_catalogs

    stats = catalogs.statistics(lessons, langs)
    library = library_catalogs.statistics(langs)
    print(f"{'language':8s}  {'catalog':32s} {'translated':>10s} {'fuzzy':>6s} {'missing':>8s}")
    for lang in langs:
        rows = [(slug, s) for (language, slug), s in stats.items() if language == lang]
        rows.append(("convlab (library)", library[lang]))
        for name, s in rows:
            print(f"{lang:8s}  {name:32s} {s.translated:10d} {s.fuzzy:6d} {s.untranslated:8d}")
        total = catalogs.Stats(
            sum(s.translated for _, s in rows),
            sum(s.fuzzy for _, s in rows),
            sum(s.untranslated for _, s in rows),
        )
        share = total.translated / total.total if total.total else 1.0
        print(
            f"{lang:8s}  {'all':32s} {total.translated:10d} {total.fuzzy:6d} "
            f"{total.untranslated:8d}  ({share:.0%} translated)"
        )
    details = catalogs.fuzzy_details(lessons, langs)
    details += library_catalogs.fuzzy_details(langs)
    for block in details:
        print()
        print(block)
    problems = [str(p) for p in catalogs.check(lessons, langs)]
    problems += [str(p) for p in library_catalogs.check(languages=langs)]
    if problems:
        print()
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


def _cmd_export(args) -> int:
    from .grading.lms import export_cli

    return export_cli(args)


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
    p.add_argument(
        "--lang", help="comma-separated languages (default: every language in course/locales)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a scratch directory; report built files that differ byte for byte",
    )
    p.add_argument(
        "--up-to-date",
        action="store_true",
        help="fast: compare content hashes with those the last build recorded (exit 1 if any differ)",
    )
    p.add_argument(
        "--preview",
        metavar="LANG",
        help="build a preview of a partly translated language into build/preview/LANG "
        "(English where untranslated; never shipped)",
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "i18n",
        help="create a language, update or check the gettext catalogs (lessons and library)",
        description="init LANG: create a new language's catalogs (and list its JupyterLab "
        "language pack); update: refresh catalogs after editing a lesson or the library; "
        "check: statistics per language and lesson, fuzzy messages with a word diff, problems.",
    )
    p.add_argument("action", choices=["init", "update", "check"])
    p.add_argument("language", nargs="?", help="with init: the new language's code, e.g. fr")
    p.add_argument("--name", help="with init: the language's name for people (default: CLDR's)")
    p.add_argument("--pack", help="with init: the JupyterLab language pack (default: guessed)")
    p.add_argument(
        "--lang", help="comma-separated languages (default: every language in course/locales)"
    )
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

    p = sub.add_parser(
        "export",
        help="grades of graded lessons as an LMS import file (Canvas, Moodle) or a plain CSV",
        description="Reads grades-<lesson>.csv (written by `convlab grade`) of each lesson and a "
        "roster mapping nbgrader's student_id to the LMS's identifiers (columns: student_id, "
        "name, id, sis_user_id, sis_login_id, section, email, idnumber; each format uses those "
        "it needs). Ungraded or failed submissions are left blank, never 0; students missing "
        "from the roster or the grades are listed. Import steps: docs/GRADING.md.",
    )
    p.add_argument("lesson", nargs="+", help="lesson (assignment) names: one column each")
    p.add_argument("--to", required=True, choices=["canvas", "moodle", "csv"], dest="fmt")
    p.add_argument("--roster", required=True, help="the roster CSV")
    p.add_argument("--output", required=True, help="the file to write")
    p.add_argument(
        "--lang", help="course/<lang>/ (default: the course directory you are in, else en)"
    )
    p.add_argument("--course-dir", help="an nbgrader course directory (overrides --lang)")
    p.set_defaults(func=_cmd_export)

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
