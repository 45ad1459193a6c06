"""The checker as a team installs it: the wheel and sdist build; the wheel, alone in a
fresh venv that holds only tensorflow, tf-keras and pytest at the lock's pins, runs the
package's own tests and a sample project that uses the pytest fixture without
importing the plugin, on Keras 3 and on tf_keras. And .venv's copy is checker/src's."""

import hashlib
import os
import re
import subprocess
import sys
import tomllib
import venv
import xml.etree.ElementTree as ET
import zipfile
from importlib import metadata

import pytest

from tools import ROOT, package
from tools.snippets import package_files_of

ENV = ROOT / ".cache/checker-venv"  # the fresh venv, kept while the lock is unchanged
NEEDS = ("tensorflow", "tf-keras", "pytest")  # what a team's CI has, besides the wheel


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    return package.build(tmp_path_factory.mktemp("dist"))


def test_the_wheel_and_sdist_carry_the_package_and_its_metadata(dist):
    wheel, sdist = dist
    assert sdist.name.endswith(".tar.gz") and sdist.stat().st_size > 0
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode()
        entry = z.read(meta.replace("METADATA", "entry_points.txt")).decode()
    want = {f"{package.MODULE}/{f.name}" for f in package.sources()}
    assert want <= names, want - names
    assert (
        "Requires-Dist: tensorflow" in text
        and "keras" not in text.split("Requires-Dist: tensorflow")[1].split("\n")[0]
    ), "it depends on tensorflow only"
    assert "[pytest11]" in entry and "training_state_check.plugin" in entry


def test_the_metadata_states_the_range_the_code_checks():
    project = tomllib.loads((ROOT / package.PROJECT / "pyproject.toml").read_text())
    text = (ROOT / "checker/src/training_state_check/_errors.py").read_text()
    supported = re.search(r'SUPPORTED_TENSORFLOW = "([^"]+)"', text)[1]
    assert project["project"]["dependencies"] == [f"tensorflow{supported}"]
    init = (ROOT / "checker/src/training_state_check/__init__.py").read_text()
    assert f'__version__ = "{project["project"]["version"]}"' in init


def test_the_venv_holds_the_checker_of_checker_src():
    """`make` builds and installs it; after an edit of checker/, make does it again."""
    dist = metadata.distribution(package.DISTRIBUTION)
    installed = {
        str(f): f.locate().read_bytes()
        for f in dist.files
        if str(f).startswith(package.MODULE + "/") and "__pycache__" not in str(f)
    }
    here = package_files_of(package.MODULE)
    ours = {f"{package.MODULE}/{f.name}": f.read_bytes() for f in here}
    assert installed == ours, (
        "the checker installed in .venv is not checker/src's: run `make` "
        "(make test rebuilds and installs it)"
    )


def test_pytest_loading_the_plugin_imports_no_tensorflow(tmp_path):
    """pytest loads every installed plugin in every run: this suite's too."""
    code = (
        "import sys, pytest; pytest.main(['--co', '-q', sys.argv[1]]); "
        "assert 'training_state_check.plugin' in sys.modules, 'not loaded'; "
        "assert 'tensorflow' not in sys.modules, 'the plugin imported tensorflow'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def fresh_venv() -> str:
    """A venv with tensorflow, tf-keras and pytest at requirements.lock's pins (their
    dependencies too), nothing else; made again when the lock changes."""
    lock = (ROOT / "requirements.lock").read_text()
    stamp = hashlib.sha256(lock.encode()).hexdigest()
    python = ENV / "bin/python"
    if (ENV / ".stamp").is_file() and (ENV / ".stamp").read_text() == stamp:
        return str(python)
    venv.create(ENV, clear=True, with_pip=True)
    # each pin with its environment marker (the lock is universal: numpy has two)
    pins = re.findall(r"^([A-Za-z0-9_.-]+==[^\\\n]+?)\s*\\?$", lock, re.M)
    constraints = ENV / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        + ["-c", str(constraints), *NEEDS],
        check=True,
    )
    (ENV / ".stamp").write_text(stamp)
    return str(python)


def outcomes(report: str) -> dict[str, str]:
    """{test name: "passed" | failure message} from a junit XML report."""
    found = {}
    for case in ET.parse(report).iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        bad = failure if failure is not None else error
        found[case.get("name")] = "passed" if bad is None else bad.get("message", "")
    return found


@pytest.fixture(scope="module")
def installed(dist):
    python = fresh_venv()
    package.install(python, dist[0])
    return python


@pytest.mark.parametrize("flavour", ["keras3", "keras2"])
def test_a_team_installs_the_wheel_and_runs_its_tests(installed, tmp_path, flavour):
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if flavour == "keras2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    folders = [ROOT / "checker/sample", ROOT / "checker/tests"]
    report = tmp_path / "report.xml"
    proc = subprocess.run(
        [installed, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir"]
        + [str(tmp_path), f"--junitxml={report}", *map(str, folders)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    found = outcomes(str(report))
    detail = f"\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
    assert found.pop("test_right_loop") == "passed", detail
    assert found.pop("test_fit") == "passed", detail
    forgetful = found.pop("test_forgetful_loop")
    for layer in ("bn (BatchNormalization)", "drop (Dropout)"):
        assert f"train step: {layer} ran in inference mode" in forgetful, detail
    kwargs = found.pop("test_kwargs_layer")
    if flavour == "keras3":
        assert "train step: noise (Noise) never receives `training`" in kwargs, detail
    else:
        assert kwargs == "passed", "Keras 2 hands `training` to **kwargs" + detail
    assert found and all(v == "passed" for v in found.values()), (found, detail)
