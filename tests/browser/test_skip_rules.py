"""Without Chromium the browser test skips with a reason, except under CI, where it fails."""

from __future__ import annotations

import pytest

from .test_student_path import ROOT, _missing


def test_missing_browser_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        _missing("chromium is not installed")


def test_missing_browser_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _missing("chromium is not installed")


def test_ci_installs_chromium_only_when_missing_and_runs_as_ci():
    script = (ROOT / ".ci" / "run").read_text()
    check = script.index("command -v chromium >/dev/null 2>&1 || need+=(chromium)")
    install = script.index('apt-get install -y -qq "${need[@]}"')
    assert check < script.index("apt-get update") < install
    assert "if [ ${#need[@]} -gt 0 ]" in script
    assert 'export CI="${CI:-true}"' in script
    assert script.index("export CI=") < script.rindex("\nmake test")


def test_playwright_is_a_test_dependency():
    import tomllib

    test = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(r.startswith("playwright") for r in test["test"])
