"""The import-linter contracts in pyproject.toml: every app has its layer, and a wrong arrow fails lint.

The failing cases run ``lint-imports`` on a copy of the source tree with one bad module added, so the
real tree is never touched and the contract is shown to catch what it promises to catch.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def _layer_names(layers: list[str]) -> dict[str, bool]:
    """Each app named in the layers, with whether it is optional (written in parentheses)."""
    names = {}
    for layer in layers:
        for raw in layer.replace(":", "|").split("|"):
            name = raw.strip()
            names[name.strip("()")] = name.startswith("(")
    return names


def _apps() -> set[str]:
    return {path.parent.name for path in (ROOT / "tsunagu").glob("*/__init__.py")}


def test_every_app_has_a_layer():
    assert _layer_names(_contract("layers")["layers"]).keys() >= _apps()


def test_every_required_layer_is_an_app():
    required = {name for name, optional in _layer_names(_contract("layers")["layers"]).items() if not optional}
    assert required <= _apps()


def test_the_decided_order_from_core_up_to_home():
    layers = _contract("layers")["layers"]
    assert layers[0] == "home"
    assert layers[-1] == "core"
    position = {name: i for i, layer in enumerate(layers) for name in _layer_names([layer])}
    assert position["collaboration"] < position["consultations"] < position["notifications"]
    assert position["notifications"] < position["people"] < position["access"]
    # The emergency-review rule in access reads the plan's 所管課, so the plan sits just below access.
    assert position["access"] == position["accounts"] < position["plans"] < position["audit"]
    assert position["audit"] == position["printing"]


@pytest.fixture(scope="module")
def lint(tmp_path_factory):
    """Run lint-imports on a fresh copy of tsunagu/ plus the given modules; returns (exit code, output)."""

    def run(extra_modules: dict[str, str]) -> tuple[int, str]:
        work = tmp_path_factory.mktemp("layers")
        shutil.copytree(ROOT / "tsunagu", work / "tsunagu", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
        for name, source in extra_modules.items():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source)
        # The copy comes first on the path (lint-imports adds its working directory), ahead of the
        # editable install of the real tree.
        env = {**os.environ, "PYTHONPATH": str(work)}
        result = subprocess.run(
            [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return result.returncode, result.stdout + result.stderr

    return run


def test_the_tree_as_it_is_keeps_the_contracts(lint):
    code, output = lint({})
    assert code == 0, output
    assert "0 broken" in output


BAD = "tsunagu/core/bad.py"


@pytest.mark.parametrize(
    ("modules", "expected"),
    [
        # core is the bottom: it may not reach up, not even to the top.
        ({BAD: "from tsunagu.home import views\n"}, "tsunagu.core is not allowed to import tsunagu.home"),
        # core below audit: the cycle that accounts removed must not come back.
        ({BAD: "from tsunagu.audit import services\n"}, "tsunagu.core is not allowed to import tsunagu.audit"),
        # Apps of one layer are independent of each other.
        (
            {"tsunagu/plans/bad.py": "from tsunagu.accounts import services\n"},
            "tsunagu.plans is not allowed to import tsunagu.accounts",
        ),
        (
            {"tsunagu/access/bad.py": "from tsunagu.people import models\n"},
            "tsunagu.access is not allowed to import tsunagu.people",
        ),
        # Indirectly too: audit -> consultations.views -> … is caught at its first step up.
        (
            {"tsunagu/audit/bad.py": "import tsunagu.consultations.views\n"},
            "tsunagu.audit is not allowed to import tsunagu.consultations",
        ),
        # A test helper's own imports are not checked, so production code may not lean on one.
        (
            {
                BAD: "from tsunagu.core.tests import helper\n",
                "tsunagu/core/tests/helper.py": "from tsunagu.plans import models\n",
            },
            "Production code imports no tests BROKEN",
        ),
        ({BAD: "from tsunagu import conftest\n"}, "Production code imports no tests BROKEN"),
        # An app that nobody placed in the layers.
        ({"tsunagu/newapp/__init__.py": ""}, "- tsunagu.newapp"),
    ],
)
def test_a_wrong_arrow_fails_lint(lint, modules, expected):
    code, output = lint(modules)
    assert code == 1, output
    assert expected in output, output


def test_tests_may_set_up_data_through_higher_apps(lint):
    code, output = lint({"tsunagu/core/tests/test_extra.py": "from tsunagu.home import views\n"})
    assert code == 0, output
