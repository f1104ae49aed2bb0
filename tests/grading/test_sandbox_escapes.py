"""Escape suite: submissions that try to get out of the grading sandbox, graded by `convlab grade`.

One class is graded once (module fixture), the way an instructor grades: honest
submissions next to one attacker per class of attempt.  Each attack sits at the
top level of the first exercise's solution cell, after a correct function, in a
``try`` that prints ``BLOCKED`` or ``ESCAPED``; so each test checks that

- the attempt failed (its effect is absent on the host, and it printed BLOCKED),
- the honest submissions in the same run got exactly their scores,
- the attacker got the score its honest parts earn (full marks: the functions
  are right).
"""

from __future__ import annotations

import csv
import os
import socket
import threading
import time
from pathlib import Path

import psutil
import pytest

from convlab.grading import grade
from convlab.grading.sandbox import parse_sandbox_column, sandbox_problem

from .nbgrader_helpers import (
    exercise_points,
    graded_errors,
    graded_outputs,
    nbgrader,
    read_nb,
    scratch_course,
    solved,
    submit,
)

SLUG = "01-images-as-arrays"
SECRET = "convlab-instructor-secret-7f3a"
TOKEN = "convlab-outlive-token-91c2"

pytestmark = [
    pytest.mark.grading,
    pytest.mark.skipif(
        sandbox_problem() is not None and not os.environ.get("CI"),
        reason=f"no sandbox here: {sandbox_problem()}",
    ),
]


def _attack(body: str) -> str:
    indented = "".join(f"    {line}\n" for line in body.strip("\n").splitlines())
    return (
        "\n\nimport os as _os, sys as _sys\n"
        "try:\n" + indented + "    print('ESCAPED')\n"
        "except BaseException as _exc:\n"
        "    print('BLOCKED', type(_exc).__name__, str(_exc)[:200])\n"
    )


def attacks(course: Path, port: int) -> dict[str, str]:
    """name -> code appended to the first solution cell."""
    source = course / "source" / SLUG / f"{SLUG}.ipynb"
    peer = course / "submitted" / "honest" / SLUG / f"{SLUG}.ipynb"
    gradebook = course / "gradebook.db"
    host = course.parent
    return {
        "read_source": f"""
for _p in ['../../../source/{SLUG}/{SLUG}.ipynb', {str(source)!r}]:
    try:
        print(open(_p).read()[:300000])
        _leaked = True
    except OSError:
        _leaked = False
    if _leaked:
        break
if not _leaked:
    raise PermissionError('source not readable')
""",
        "read_peer": f"""
_text = None
for _p in ['../../honest/{SLUG}/{SLUG}.ipynb', '../../../submitted/honest/{SLUG}/{SLUG}.ipynb', {str(peer)!r}]:
    try:
        _text = open(_p).read()
        break
    except OSError:
        pass
if _text is None:
    raise PermissionError('peer not readable')
print(_text[:300000])
""",
        "write_gradebook": f"""
import sqlite3
_done = False
for _p in ['../../../gradebook.db', {str(gradebook)!r}]:
    try:
        _con = sqlite3.connect('file:' + _p + '?mode=rw', uri=True)
        _con.execute('update grade set manual_score = 804')
        _con.commit()
        _done = True
    except Exception:
        pass
if not _done:
    raise PermissionError('gradebook not writable')
""",
        "os_system": f"""
_os.system('echo pwned > {host}/pwned-system.txt; echo pwned > {course}/pwned-system.txt')
if not _os.path.exists({str(host / "pwned-system.txt")!r}):
    raise PermissionError('os.system wrote nothing outside')
""",
        "subprocess": f"""
import subprocess
subprocess.run(['sh', '-c', 'echo pwned > {host}/pwned-subprocess.txt'])
subprocess.run(['cp', '-r', '{course}/source', '.'])
if not _os.path.exists({str(host / "pwned-subprocess.txt")!r}):
    raise PermissionError('subprocess wrote nothing outside')
""",
        "ctypes": f"""
import ctypes
_libc = ctypes.CDLL(None)
_fd = _libc.open({str(host / "pwned-ctypes.txt").encode()!r}, _os.O_WRONLY | _os.O_CREAT, 0o644)
if _fd < 0:
    raise PermissionError('ctypes open failed')
_libc.write(_fd, b'pwned', 5)
_libc.close(_fd)
""",
        "network": f"""
import socket
socket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'pwned')
""",
        "outlive": f"""
import subprocess
subprocess.Popen(['sh', '-c', 'sleep 60; echo {TOKEN} > {host}/outlived.txt'], start_new_session=True)
subprocess.run(['sh', '-c', '(setsid sh -c "sleep 61; : {TOKEN}" > /dev/null 2>&1 &)'])  # a daemon
raise PermissionError('started processes; they must not survive grading')
""",
        "fork_bomb": """
import signal as _signal
_pids = []
try:
    while True:
        _pid = _os.fork()
        if _pid == 0:
            import time as _t
            _t.sleep(30)
            _os._exit(0)
        _pids.append(_pid)
except OSError:
    print('forks before the limit:', len(_pids))
    for _pid in _pids:
        _os.kill(_pid, _signal.SIGKILL)
        _os.waitpid(_pid, 0)
    raise
""",
        "fill_disk": f"""
_chunk = b'0' * (1 << 20)
with open('filler.bin', 'wb') as _f:
    for _i in range(4096):
        _f.write(_chunk)
        _f.flush()
print('wrote', _i, 'MiB; host free', {str(host)!r})
""",
        "memory": """
_big = bytearray(8 * 1024**3)
""",
        "environment": f"""
print(dict(_os.environ))
if {SECRET!r} in repr(dict(_os.environ)):
    raise RuntimeError('unreachable')
raise PermissionError('secret not visible')
""",
    }


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("escapes")
    course = scratch_course(tmp_path, "en")
    nbgrader(["generate_assignment", SLUG, "--force", "--create"], course)
    source = read_nb(course / "source" / SLUG / f"{SLUG}.ipynb")
    total = sum(exercise_points(source).values())
    first = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first_id = first.metadata.nbgrader["grade_id"]

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    connections: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    submit(course, "honest", SLUG, solved(course, SLUG))
    submit(course, "untouched", SLUG, read_nb(course / "release" / SLUG / f"{SLUG}.ipynb"))
    names = attacks(course, port)
    for name, code in names.items():
        nb = solved(course, SLUG)
        cell = next(
            c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == first_id
        )
        cell.source += _attack(code)
        submit(course, name, SLUG, nb)

    os.environ["CONVLAB_TEST_SECRET"] = SECRET
    try:
        start = time.perf_counter()
        results, csv_path = grade(course, SLUG, jobs=2, progress=False)
        elapsed = time.perf_counter() - start
    finally:
        del os.environ["CONVLAB_TEST_SECRET"]
        stop.set()
        thread.join()
        listener.close()
    print(f"\n[timing] {len(results)} submissions graded in {elapsed:.0f} s with 2 workers")
    with csv_path.open() as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    return {
        "course": course,
        "host": tmp_path,
        "results": {r.student: r for r in results},
        "rows": rows,
        "total": total,
        "connections": connections,
        "processes": [
            p.info
            for p in psutil.process_iter(["pid", "cmdline"])
            if TOKEN in " ".join(p.info["cmdline"] or [])
        ],
    }


def _feedback(course: Path, student: str) -> str:
    return (course / "feedback" / student / SLUG / f"{SLUG}.html").read_text()


def test_honest_submissions_get_exactly_their_scores(graded_class):
    rows, total = graded_class["rows"], graded_class["total"]
    assert rows["honest"]["status"] == "graded" and float(rows["honest"]["score"]) == total
    assert rows["untouched"]["status"] == "graded" and float(rows["untouched"]["score"]) == 0
    # Graded in a sandbox; the limits this machine cannot hold are named after "bwrap".
    assert all(parse_sandbox_column(row["sandbox"])[0] == "bwrap" for row in rows.values())


ATTACKS = [
    "read_source",
    "read_peer",
    "write_gradebook",
    "os_system",
    "subprocess",
    "ctypes",
    "network",
    "outlive",
    "fork_bomb",
    "fill_disk",
    "memory",
    "environment",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_fails_and_attacker_keeps_honest_points(graded_class, attack):
    course, host = graded_class["course"], graded_class["host"]
    row = graded_class["rows"][attack]
    out = graded_outputs(course, attack, SLUG)
    assert "BLOCKED" in out and "ESCAPED" not in out, out[-2000:]
    assert row["status"] == "graded", row
    assert float(row["score"]) == graded_class["total"], (row, graded_errors(course, attack, SLUG))
    # Feedback shows the test cells (hidden ones too, after grading: nbgrader's design),
    # never the solutions; outputs show neither.
    everything = out + _feedback(course, attack)
    assert "BEGIN SOLUTION" not in everything and "BEGIN HIDDEN TESTS" not in out
    assert SECRET not in out
    assert not list(host.rglob("pwned-*")) and not list(host.rglob("outlived.txt"))
    assert not list(course.rglob("filler.bin"))
    assert not graded_class["connections"]
    assert not graded_class["processes"], graded_class["processes"]


def test_attacks_left_no_trace_in_the_gradebook(graded_class):
    from nbgrader.api import Gradebook

    course = graded_class["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in graded_class["rows"]:
            submission = gb.find_submission(SLUG, student)
            assert all(g.manual_score is None for n in submission.notebooks for g in n.grades)


def test_no_process_survives_grading(graded_class):
    time.sleep(2)
    assert not [
        p.info
        for p in psutil.process_iter(["cmdline"])
        if TOKEN in " ".join(p.info["cmdline"] or [])
    ]


LINGERING_BOMB = """
try:
    while True:
        if _os.fork() == 0:
            import time as _t
            _t.sleep(120)
            _os._exit(0)
except OSError:
    pass
raise PermissionError('the process limit stopped the fork bomb')
"""


def test_a_fork_bomb_left_running_does_not_touch_the_next_submission(tmp_path):
    """One worker grades the bomb (its thousand processes left asleep), then an honest class-mate."""
    course = scratch_course(tmp_path, "en")
    config = course / "nbgrader_config.py"  # the bomb's own later cells may hang: keep it short
    config.write_text(
        config.read_text().replace("c.Execute.timeout = 60", "c.Execute.timeout = 20")
    )
    nbgrader(["generate_assignment", SLUG, "--force", "--create"], course)
    source = read_nb(course / "source" / SLUG / f"{SLUG}.ipynb")
    total = sum(exercise_points(source).values())
    first_id = next(
        c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")
    ).metadata.nbgrader["grade_id"]
    bomb = solved(course, SLUG)
    next(
        c for c in bomb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == first_id
    ).source += _attack(LINGERING_BOMB)
    submit(course, "a_bomb", SLUG, bomb)
    submit(course, "b_honest", SLUG, solved(course, SLUG))
    results, csv_path = grade(course, SLUG, jobs=1, progress=False)
    with csv_path.open() as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert "BLOCKED" in graded_outputs(course, "a_bomb", SLUG)
    assert float(rows["b_honest"]["score"]) == total, graded_errors(course, "b_honest", SLUG)
