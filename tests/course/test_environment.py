"""pyproject.toml, environment.yml and binder/environment.yml list the same packages.

The environment files are the student's install: pyproject.toml's `dependencies`
and nothing else (test tools and grading past one machine are extras).
"""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pyproject(*extras: str) -> dict[str, str]:
    """The student's install (`dependencies`), plus the named extras."""
    project = _project()
    reqs = project["dependencies"] + [
        r for extra in extras for r in project["optional-dependencies"][extra]
    ]
    return {_name(r): r.strip() for r in reqs}


def _conda(path) -> dict[str, str]:
    env = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "python=3.11" in env["dependencies"]
    return {_name(r): r.strip() for r in pip}


def test_environment_yml_matches_pyproject():
    assert _conda(ROOT / "environment.yml") == _pyproject()


def test_binder_environment_matches_pyproject():
    assert _conda(ROOT / "binder" / "environment.yml") == _pyproject()


def test_student_install_leaves_out_test_and_grading_scale_packages():
    student = _pyproject()
    extras = _project()["optional-dependencies"]
    for extra in ("test", "grading-scale"):
        names = {_name(r) for r in extras[extra]}
        assert names and not names & student.keys(), f"{extra}: {sorted(names & student.keys())}"
    assert {"psycopg", "distributed"} <= {_name(r) for r in extras["grading-scale"]}
    assert {"pytest", "playwright", "ruff", "hypothesis", "mypy"} <= {
        _name(r) for r in extras["test"]
    }


def test_binder_post_build_installs_convlab_and_builds_the_course():
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post and "convlab build" in post


def test_every_course_language_has_its_jupyterlab_language_pack():
    """Languages come from course/locales; each (but English) brings JupyterLab's menus."""
    from convlab.coursebuild.catalogs import languages
    from convlab.coursebuild.languages import language_pack

    packs = {name for name in _pyproject() if name.startswith("jupyterlab-language-pack-")}
    wanted = {language_pack(x).lower() for x in languages(ROOT) if x != "en"}
    assert wanted and wanted <= packs, f"missing: {sorted(wanted - packs)}"


def test_babel_is_pinned_exactly():
    """Catalog headers and wrapping change between Babel versions."""
    assert re.fullmatch(r"babel==[\d.]+", _pyproject()["babel"])
