"""Grades into Canvas and Moodle: the import files match the LMSs' formats.

The grades CSVs here are written with :data:`convlab.grading.command.CSV_COLUMNS`,
the columns ``convlab grade`` writes (a real grading run is covered by the
end-to-end tests); the export reads nothing else.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from convlab.grading.command import CSV_COLUMNS
from convlab.grading.lms import CANVAS_COLUMNS, export, read_roster

LESSONS = ["01-images-as-arrays", "02-convolution-from-scratch"]


def _grades(course: Path, lesson: str, rows: list[dict]) -> None:
    with (course / f"grades-{lesson}.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(dict.fromkeys(CSV_COLUMNS, "") | {"assignment": lesson} | row)


def _row(student, score, max_score, status="graded"):
    return {
        "student_id": student,
        "score": "" if score is None else score,
        "raw_score": "" if score is None else score,
        "max_score": max_score,
        "status": status,
    }


@pytest.fixture
def course(tmp_path):
    """A class of four: ana and ben graded twice, carla failed lesson 02, dora not in the roster."""
    _grades(
        tmp_path,
        LESSONS[0],
        [
            _row("ana", 6.0, 6.0),
            _row("ben", 4.5, 6.0),
            _row("carla", 0.0, 6.0),
            _row("dora", 3.0, 6.0),
        ],
    )
    _grades(
        tmp_path,
        LESSONS[1],
        [_row("ana", 12.0, 12.0), _row("ben", 9.0, 12.0), _row("carla", None, 12.0, "failed")],
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student_id,name,id,sis_user_id,sis_login_id,section,email,idnumber\n"
        "ana,Ana Pérez,1001,S-1,ana.perez,Grupo A,ana@example.edu,A1\n"
        "ben,Ben Ito,1002,S-2,ben.ito,Grupo A,ben@example.edu,B2\n"
        "carla,Carla Ruiz,1003,S-3,carla.ruiz,Grupo B,carla@example.edu,C3\n"
        "eli,Eli Sato,1004,S-4,eli.sato,Grupo B,eli@example.edu,E4\n",
        encoding="utf-8",
    )
    return tmp_path


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_file_has_canvas_columns_points_possible_and_one_column_per_lesson(course):
    result = export(course, LESSONS, "canvas", course / "roster.csv", course / "canvas.csv")
    rows = _read(result.path)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *LESSONS]
    assert list(CANVAS_COLUMNS) == rows[0][:5]
    assert rows[1] == ["    Points Possible", "", "", "", "", "6", "12"]
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["Ana Pérez"] == ["Ana Pérez", "1001", "S-1", "ana.perez", "Grupo A", "6", "12"]
    assert by_name["Ben Ito"][5:] == ["4.5", "9"]
    # a failed grading and a missing grade are blank, never 0
    assert by_name["Carla Ruiz"][5:] == ["0", ""]
    assert by_name["Eli Sato"][5:] == ["", ""]


def test_nobody_is_dropped_silently(course):
    result = export(course, LESSONS, "canvas", course / "roster.csv", course / "canvas.csv")
    assert result.students == 4
    assert result.not_in_roster == ["dora"]
    assert result.failed == [("carla", LESSONS[1])]
    assert result.not_graded == [("eli", LESSONS[0]), ("eli", LESSONS[1])]


def test_moodle_file_is_keyed_by_id_number_with_one_column_per_grade_item(course):
    result = export(course, LESSONS, "moodle", course / "roster.csv", course / "moodle.csv")
    rows = _read(result.path)
    assert rows[0] == ["ID number", "Full name", *LESSONS]
    assert rows[1] == ["A1", "Ana Pérez", "6", "12"]
    assert len(rows) == 5


def test_moodle_falls_back_to_email_when_the_roster_has_no_id_numbers(course):
    roster = course / "roster-email.csv"
    roster.write_text("student_id,name,email\nana,Ana Pérez,ana@example.edu\n", encoding="utf-8")
    rows = _read(export(course, LESSONS[:1], "moodle", roster, course / "m.csv").path)
    assert rows == [
        ["Email address", "Full name", LESSONS[0]],
        ["ana@example.edu", "Ana Pérez", "6"],
    ]


def test_canvas_needs_an_identifier_column(course):
    roster = course / "roster-names.csv"
    roster.write_text("student_id,name\nana,Ana Pérez\n", encoding="utf-8")
    with pytest.raises(ValueError, match="`id` or `sis_user_id` or `sis_login_id`"):
        export(course, LESSONS, "canvas", roster, course / "c.csv")
    assert not (course / "c.csv").exists()


def test_plain_csv_lists_student_ids(course):
    rows = _read(export(course, LESSONS, "csv", course / "roster.csv", course / "g.csv").path)
    assert rows[0] == ["student_id", "name", *LESSONS]
    assert rows[2] == ["ben", "Ben Ito", "4.5", "9"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nAna,a@x\n", "`student_id`"),
        ("student_id,nombre\nana,Ana\n", r"unknown column\(s\) \['nombre'\]"),
        ("student_id\nana\nana\n", "listed twice"),
    ],
)
def test_bad_roster_is_refused_with_what_was_expected(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_roster(path)


def test_missing_grades_say_which_command_makes_them(course):
    with pytest.raises(FileNotFoundError, match="convlab grade 03-padding"):
        export(course, ["03-padding"], "csv", course / "roster.csv", course / "g.csv")


def test_export_command_writes_the_file_and_lists_who_is_not_graded(course, capsys):
    from convlab.cli import main

    out = course / "moodle.csv"
    argv = ["export", *LESSONS, "--to", "moodle", "--roster", str(course / "roster.csv")]
    assert main([*argv, "--output", str(out), "--course-dir", str(course)]) == 0
    text = capsys.readouterr().out
    assert f"wrote {out}: 4 students x 2 lesson(s), moodle format" in text
    assert "graded but not in the roster (not in the file): dora" in text
    assert f"grading failed (left blank; see the grades CSV's note): carla ({LESSONS[1]})" in text
    assert _read(out)[0] == ["ID number", "Full name", *LESSONS]
    # a bad roster: one line on stderr, exit 2
    (course / "bad.csv").write_text("name\nAna\n", encoding="utf-8")
    argv = ["export", LESSONS[0], "--to", "csv", "--roster", str(course / "bad.csv")]
    assert main([*argv, "--output", str(out), "--course-dir", str(course)]) == 2
    assert "`student_id`" in capsys.readouterr().err
