"""Tampering with the checks is refused or detected (threat model in convlab.checks)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import convlab
import convlab.checks
from convlab.checks import CheckFailed, TamperingDetected, _oracles, lesson02, shared

from . import solutions as ok


def _pass(*args, **kwargs):
    return None


def wrong(image, kernel):
    return ok.convolve_valid(image, kernel)  # flipped: fails correlate_valid


def test_clean_package_verifies():
    assert convlab.checks.verify() == []


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (convlab.checks, "correlate_valid"),
        (convlab.checks, "run"),
        (convlab.checks, "REGISTRY"),
        (convlab.checks, "CheckFailed"),
        (_oracles, "correlate_valid"),
        (lesson02, "CorrelateValid"),
    ],
)
def test_rebinding_a_check_attribute_is_refused(module, name):
    with pytest.raises(AttributeError, match="read-only"):
        setattr(module, name, _pass)
    with pytest.raises(AttributeError, match="read-only"):
        delattr(module, name)
    assert convlab.checks.verify() == []


def test_registry_cannot_be_edited():
    with pytest.raises(TypeError):
        convlab.checks.REGISTRY["correlate_valid"] = _pass


def test_check_replaced_through_module_dict_is_detected(restore_checks):
    vars(convlab.checks)["correlate_valid"] = _pass
    with pytest.raises(TamperingDetected, match=r"convlab\.checks\.correlate_valid \(changed\)"):
        convlab.checks.run("correlate_valid", wrong)


def test_registry_replaced_through_module_dict_is_detected(restore_checks):
    vars(convlab.checks)["REGISTRY"] = types.MappingProxyType(
        {**convlab.checks.REGISTRY, "correlate_valid": _pass}
    )
    with pytest.raises(TamperingDetected, match="REGISTRY"):
        convlab.checks.run("correlate_valid", wrong)


def test_oracle_replaced_is_detected_by_hidden_checks(restore_checks):
    vars(_oracles)["correlate_valid"] = lambda image, kernel: ok.convolve_valid(image, kernel)
    with pytest.raises(TamperingDetected, match=r"_oracles\.correlate_valid"):
        convlab.checks.correlate_valid(wrong, hidden=True)


def test_reference_data_mutated_is_detected(restore_checks):
    kernel = shared.K23
    saved = kernel.copy()
    kernel.setflags(write=True)
    kernel[0, 0] = 99.0
    try:
        with pytest.raises(TamperingDetected, match="K23"):
            convlab.checks.run("correlate_valid", ok.correlate_loops)
    finally:
        kernel[...] = saved
        kernel.setflags(write=False)


def test_code_object_swapped_is_detected(restore_checks):
    method = lesson02.CorrelateValid.expected
    saved = method.__code__
    method.__code__ = (lambda self, case: case.args[0]).__code__
    try:
        with pytest.raises(TamperingDetected, match="CorrelateValid"):
            convlab.checks.run("correlate_valid", wrong)
    finally:
        method.__code__ = saved


def test_global_shadowing_a_builtin_is_detected(restore_checks):
    vars(sys.modules["convlab.checks._core"])["len"] = lambda x: 0
    with pytest.raises(TamperingDetected, match=r"_core\.len \(added\)"):
        convlab.checks.run("correlate_valid", ok.correlate_loops)


def test_module_class_reset_is_detected(restore_checks):
    object.__setattr__(convlab.checks, "__class__", types.ModuleType)
    with pytest.raises(TamperingDetected, match="module type was changed"):
        convlab.checks.run("correlate_valid", ok.correlate_loops)


def test_numpy_function_replaced_is_detected(restore_checks):
    np.einsum = lambda *args, **kwargs: 0.0
    with pytest.raises(TamperingDetected, match=r"numpy\.einsum \(replaced\)"):
        convlab.checks.run("correlate_valid", wrong)


def test_package_replaced_in_sys_modules_is_detected(restore_checks):
    genuine_run = convlab.checks.run
    sys.modules["convlab.checks"] = types.SimpleNamespace(run=_pass)
    assert any("sys.modules" in problem for problem in convlab.checks.verify())
    with pytest.raises(TamperingDetected):
        genuine_run("correlate_valid", ok.correlate_loops)


def test_tampering_by_the_student_function_during_the_check_is_detected(restore_checks):
    def sneaky(image, kernel):
        vars(_oracles)["correlate_valid"] = lambda i, k: ok.convolve_valid(i, k)
        return ok.convolve_valid(image, kernel)

    with pytest.raises(TamperingDetected, match=r"_oracles\.correlate_valid"):
        convlab.checks.run("correlate_valid", sneaky)


def test_recommended_hidden_cell_ignores_a_rebound_convlab_name():
    """A student cell can rebind `convlab`; the hidden cell imports `run` itself."""
    notebook = {"__name__": "__main__"}
    exec("import convlab\nimport convlab.checks", notebook)
    student_cell = (
        "import types\n"
        "convlab = types.SimpleNamespace(checks=types.SimpleNamespace("
        "correlate_valid=lambda *a, **k: None, run=lambda *a, **k: None))\n"
    )
    exec(student_cell, notebook)
    notebook["correlate_loops"] = wrong
    exec("convlab.checks.correlate_valid(correlate_loops, hidden=True)", notebook)  # fooled
    hidden_cell = (
        'from convlab.checks import run\nrun("correlate_valid", correlate_loops, hidden=True)'
    )
    with pytest.raises(CheckFailed, match="kernel was flipped"):
        exec(hidden_cell, notebook)


def test_run_rejects_an_unknown_check_name():
    with pytest.raises(ValueError, match="must be one of"):
        convlab.checks.run("correlate", ok.correlate_loops)


def test_run_passes_options_through(capsys):
    import scipy.signal

    convlab.checks.run(
        "correlate_valid",
        lambda im, k: scipy.signal.correlate2d(im.astype(float), k, "valid"),  # float64 asked
        from_scratch=False,
        seed=1,
    )
    assert "✓" in capsys.readouterr().out
