"""Whatever the student's function does, the grader gets CheckFailed, never a crash."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import convlab.checks
from convlab.checks import CheckFailed

from . import solutions as ok


class Hostile:
    """Raises from every protocol a check might touch."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __repr__(self):
        raise RuntimeError("no repr either")

    def __len__(self):
        raise RuntimeError("no len")


class Liar(np.ndarray):
    """An ndarray subclass whose comparisons always say 'equal'."""

    def __eq__(self, other):
        return np.ones(np.shape(self), bool)

    def __sub__(self, other):
        return np.zeros(np.shape(self))


@pytest.mark.parametrize(
    ("student", "message"),
    [
        (lambda im, k: (_ for _ in ()).throw(SystemExit(3)), "raised SystemExit"),
        (lambda im, k: Hostile(), "not a NumPy array"),
        (lambda im, k: {"out": 1}, "not a NumPy array"),
        (lambda im, k: ok.correlate_loops(im, k) + 0j, "not a NumPy array"),
        (lambda im, k: (x for x in range(3)), "not a NumPy array"),
        (lambda im, k: np.zeros((k.shape[0],) * 2).view(Liar), "expected shape"),
        (lambda im, k: 1 / 0, "raised ZeroDivisionError"),
        (lambda im, k: ok.correlate_loops(im, k).astype(object), "not a NumPy array"),
    ],
    ids=[
        "SystemExit",
        "hostile",
        "dict",
        "complex",
        "generator",
        "lying-subclass",
        "raises",
        "object-array",
    ],
)
def test_hostile_results_become_check_failures(student, message):
    with pytest.raises(CheckFailed, match=message):
        convlab.checks.correlate_valid(student)


def test_keyboard_interrupt_is_not_swallowed():
    def interrupted(image, kernel):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convlab.checks.correlate_valid(interrupted)


def test_exception_message_names_the_line_in_the_student_code():
    def broken(image, kernel):
        rows = image.shape[0]
        return image[rows + 5, 0]

    with pytest.raises(CheckFailed) as failed:
        convlab.checks.correlate_valid(broken)
    assert "IndexError" in str(failed.value)
    assert "in broken" in str(failed.value)


def test_massive_output_is_captured_and_bounded(capsys):
    def chatty(image, kernel):
        print("debug " * 200_000)
        return ok.correlate_loops(image, kernel)[:-1]

    with pytest.raises(CheckFailed) as failed:
        convlab.checks.correlate_valid(chatty)
    assert "printed 1200001 characters" in str(failed.value)
    assert len(str(failed.value)) < 5_000
    assert "debug" not in capsys.readouterr().out


def test_warnings_from_the_student_do_not_leak():
    def noisy(image, kernel):
        warnings.warn("careful", RuntimeWarning, stacklevel=1)
        return ok.correlate_loops(image, kernel)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        convlab.checks.correlate_valid(noisy)


@pytest.mark.parametrize("given", [None, 3, np.zeros((2, 2))])
def test_passing_something_else_than_a_function_is_explained(given):
    with pytest.raises(CheckFailed, match="Pass the function itself"):
        convlab.checks.correlate_valid(given)


def test_array_likes_with_right_values_pass(capsys):
    convlab.checks.correlate_valid(lambda im, k: ok.correlate_loops(im, k).tolist())
    assert "✓" in capsys.readouterr().out


def test_success_prints_one_line_and_returns_none(capsys):
    assert convlab.checks.pad_image(ok.pad_image) is None
    out = capsys.readouterr().out
    assert out == "✓ pad_image: pad_image passed all 10 cases.\n"


def test_inputs_are_copies_so_the_cases_cannot_be_edited():
    def vandal(image, kernel):
        image[...] = 0
        kernel[...] = 0
        return ok.correlate_loops(image, kernel)

    with pytest.raises(CheckFailed, match="changed its input `image` in place"):
        convlab.checks.correlate_valid(vandal)
    assert convlab.checks.verify() == []


def test_hidden_seed_is_printed_and_reproduces_the_run():
    def flaky(image, kernel):
        return (
            ok.correlate_loops(image, kernel)
            if image.dtype != np.float32
            else ok.convolve_valid(image, kernel)
        )

    with pytest.raises(CheckFailed) as first:
        convlab.checks.correlate_valid(flaky, hidden=True)
    seed = int(str(first.value).split("seed ")[1].split(":")[0])
    with pytest.raises(CheckFailed) as again:
        convlab.checks.correlate_valid(flaky, hidden=True, seed=seed)
    assert str(again.value) == str(first.value)


def test_public_cases_are_deterministic_and_hidden_ones_vary():
    from convlab.checks import lesson02

    exercise = lesson02.CorrelateValid()
    rng = np.random.default_rng
    one, two = exercise.hidden_cases(rng(1)), exercise.hidden_cases(rng(2))
    assert any(
        a.args[0].shape != b.args[0].shape or not np.array_equal(a.args[0], b.args[0])
        for a, b in zip(one, two, strict=True)
    )
    assert all(
        np.array_equal(a.args[0], b.args[0])
        for a, b in zip(exercise.public_cases(), exercise.public_cases(), strict=True)
    )


@pytest.mark.parametrize("seed", ["1", 1.5, True])
def test_bad_seed_is_a_type_error(seed):
    with pytest.raises(TypeError, match="seed"):
        convlab.checks.correlate_valid(ok.correlate_loops, hidden=True, seed=seed)


@pytest.mark.parametrize("check", sorted(convlab.checks.REGISTRY))
def test_hidden_cases_cover_the_edge_cases(check):
    """Every hidden suite has its public cases and more, and array suites mix dtypes and shapes."""
    modules = [m for n, m in vars(convlab.checks).items() if n.startswith("lesson")]
    classes = {
        cls.name: cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and getattr(cls, "name", "")
    }
    exercise = classes[check]()
    public, hidden = exercise.public_cases(), exercise.hidden_cases(np.random.default_rng(0))
    assert len(hidden) > len(public)
    arrays = [c.args[0] for c in hidden if isinstance(c.args[0], np.ndarray)]
    if arrays:
        if check != "brighten":  # uint8 in, uint8 out by definition
            assert {a.dtype for a in arrays} >= {np.dtype(np.uint8), np.dtype(np.float32)}
        assert any(a.shape[0] != a.shape[1] for a in arrays)
    if check in ("correlate_valid", "convolve_valid", "correlate_same"):
        kernels = [c.args[1] for c in hidden]
        assert any(k.shape == (1, 1) for k in kernels)
        assert any(c.args[1].shape == c.args[0].shape for c in hidden)
