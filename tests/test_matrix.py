"""`make matrix` without TensorFlow: how outcomes become records (same / differs /
fails / n/a), and the strict build's error when a record is older than its snippet."""

import json

import pytest
import yaml

from tools import ROOT, columns, environments, includes, matrix, records
from tools.columns import COLUMN_NAMES, COLUMNS, ENVS, label
from tools.execute import Outcome
from tools.includes import Shown
from tools.site import load_hook
from tools.snippets import KERAS2, KERAS3, not_applicable, source_hash
from tools.verdicts import DIFFERS, FAILS, SAME, recorded_verdict

KERAS3_COLUMN = COLUMNS[0]
KERAS2_COLUMN = next(c for c in COLUMNS if c.flavour == KERAS2)
TRACEBACK = """\
Traceback (most recent call last):
  File "{root}/snippets/demo/claim.py", line 7, in <module>
    assert dropped, "Dropout should drop units in the train step"
           ^^^^^^^
AssertionError: Dropout should drop units in the train step
"""


def run(status, stdout="", stderr="", timeout=1.0):
    return Outcome(status, stdout, stderr, 0.5, timeout)


def test_same_output_is_same():
    assert recorded_verdict("a\nb\n", run(0, "a\nb  \n")) == (SAME, "")


def test_other_output_differs_and_keeps_the_diff():
    result, detail = recorded_verdict("dropped: True\n", run(0, "dropped: False\n"))
    assert result == DIFFERS
    assert "-dropped: True" in detail and "+dropped: False" in detail


def test_a_failure_keeps_the_message_and_the_snippet_line_not_the_machine():
    stderr = "I0000 tensorflow noise\n" + TRACEBACK.format(root=ROOT)
    result, detail = recorded_verdict("x\n", run(1, "", stderr))
    assert result == FAILS
    assert "AssertionError: Dropout should drop units in the train step" in detail
    assert "snippets/demo/claim.py, line 7" in detail
    assert str(ROOT) not in detail and "noise" not in detail and "^^^" not in detail


def test_a_hang_fails():
    result, detail = recorded_verdict("x\n", run(None, timeout=120.0))
    assert result == FAILS
    assert detail.startswith("did not finish within its limit of 120 s")


@pytest.mark.parametrize(
    ("snippet", "column", "applies"),
    [
        ("snippets/why/dropout.py", KERAS3_COLUMN, True),
        ("snippets/why/keras2/dropout.py", KERAS3_COLUMN, False),
        ("snippets/setting/phase_keras2.py", KERAS3_COLUMN, False),
        ("snippets/why/dropout.py", KERAS2_COLUMN, False),
        ("snippets/why/keras2/dropout.py", KERAS2_COLUMN, True),
        ("snippets/setting/phase_keras2.py", KERAS2_COLUMN, True),
    ],
)
def test_a_snippet_of_the_other_flavour_is_not_applicable(snippet, column, applies):
    reason = not_applicable(snippet, column.flavour)
    assert (reason is None) is applies
    assert applies or "Keras" in reason


class FakeBlock:
    def __init__(self, snippet, expected):
        self.snippet, self.expected = snippet, expected


def test_a_column_records_every_snippet_with_its_result(tmp_path, monkeypatch):
    """Fake outcomes in, a record out: nothing silently skipped."""
    for name in ("same", "differs", "fails", "keras2/twin"):
        path = tmp_path / "snippets/demo" / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'"""Claim {name}."""\n')
    blocks = [
        FakeBlock("snippets/demo/same.py", "ok\n"),
        FakeBlock("snippets/demo/differs.py", "ok\n"),
        FakeBlock("snippets/demo/fails.py", "ok\n"),
        FakeBlock("snippets/demo/keras2/twin.py", "ok\n"),
    ]
    ran = []

    def fake_run_elsewhere(runs, python, env):
        ran.extend(b.snippet for b in runs)
        return {"tensorflow": "2.21.0", "keras": "3.15.1"}, [
            run(0, "ok\n"),
            run(0, "not ok\n"),
            run(1, "", TRACEBACK.format(root=tmp_path)),
        ]

    monkeypatch.setattr(columns, "ensure_env", lambda env, root: "python")
    monkeypatch.setattr(columns, "ensure_overlay", lambda pin, python, root: pin)
    monkeypatch.setattr(matrix, "run_elsewhere", fake_run_elsewhere)
    record = matrix.run_column(KERAS3_COLUMN, blocks, tmp_path)
    assert ran == [b.snippet for b in blocks[:3]]  # the Keras 2 twin is not run
    results = {s: e["result"] for s, e in record["snippets"].items()}
    assert results == {
        "snippets/demo/same.py": "same",
        "snippets/demo/differs.py": "differs",
        "snippets/demo/fails.py": "fails",
        "snippets/demo/keras2/twin.py": "n/a",
    }
    assert record["error"] is None and records.counts(record)["n/a"] == 1
    text = records.dump(record)
    assert text == records.dump(json.loads(text)), "records are written in one order"


def test_a_column_that_cannot_be_set_up_says_why(tmp_path, monkeypatch):
    def no_env(env, root):
        raise environments.SetupError("pip install failed: no matching distribution")

    monkeypatch.setattr(columns, "ensure_env", no_env)
    record = matrix.run_column(KERAS3_COLUMN, [], tmp_path)
    assert "no matching distribution" in record["error"]


def hook():
    """hooks/versions_table.py, loaded as mkdocs loads a hook."""
    return load_hook("versions_table")


def site(tmp_path):
    """A one-page site showing snippets/demo/claim.py, which imports a helper."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_text(
        '# Page\n\n## The claim {#claim}\n\n```python\n--8<-- "demo/claim.py"\n```\n'
    )
    demo = tmp_path / "snippets/demo"
    demo.mkdir(parents=True)
    (demo / "claim.py").write_text('"""A claim."""\nimport helper\n')
    (demo / "claim.out").write_text("ok\n")
    (demo / "helper.py").write_text("X = 1\n")
    return includes.shown(tmp_path / "docs", tmp_path)


def record_of(tmp_path, column):
    snippet = "snippets/demo/claim.py"
    entry = {
        "hash": source_hash(snippet, tmp_path),
        "result": "same",
        "detail": "",
    }
    return {"pins": column.pins(), "error": None, "snippets": {snippet: entry}}


def test_the_pages_show_a_snippet_where_it_is_included(tmp_path):
    assert site(tmp_path) == {"snippets/demo/claim.py": Shown("page.md", "claim", 0)}


@pytest.mark.parametrize("change", ["claim.py", "claim.out", "helper.py"])
def test_a_record_older_than_its_snippet_is_not_yet_recorded(tmp_path, change):
    shown = site(tmp_path)
    found = {KERAS3_COLUMN.name: record_of(tmp_path, KERAS3_COLUMN)}
    assert records.stale(tmp_path, found, shown, [KERAS3_COLUMN]) == []
    path = tmp_path / "snippets/demo" / change
    path.write_text(path.read_text() + "# changed\n")
    (message,) = records.stale(tmp_path, found, shown, [KERAS3_COLUMN])
    assert "snippets/demo/claim.py changed after it was recorded" in message
    assert "not yet recorded" in message and "make matrix" in message
    record = found[KERAS3_COLUMN.name]
    assert not records.current(
        record, "snippets/demo/claim.py", KERAS3_COLUMN, tmp_path
    )


def test_a_missing_record_or_changed_pins_is_named(tmp_path):
    shown = site(tmp_path)
    record = record_of(tmp_path, KERAS3_COLUMN)
    (missing,) = records.stale(tmp_path, {}, shown, [KERAS3_COLUMN])
    assert f"make matrix COLUMNS={KERAS3_COLUMN.name}" in missing
    record["pins"] = dict(record["pins"], keras="3.0.0")
    (pins,) = records.stale(
        tmp_path, {KERAS3_COLUMN.name: record}, shown, [KERAS3_COLUMN]
    )
    assert "3.0.0" in pins and "make matrix" in pins


def test_a_stale_record_is_information_in_a_build_and_an_error_in_ci(
    tmp_path, monkeypatch, caplog
):
    """Locally the strict build passes (info line, "not yet recorded" cells); the
    matrix workflow's `make matrix-stale` fails."""
    site(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.snippets:\n"
        "      base_path: !relative $config_dir/snippets\n"
    )
    config = {"docs_dir": str(tmp_path / "docs"), "extra": {}}
    config = type(
        "Config",
        (dict,),
        {"config_file_path": str(tmp_path / "mkdocs.yml"), "markdown_extensions": []},
    )(config)
    monkeypatch.setattr(columns, "COLUMNS", (KERAS3_COLUMN,))
    versions_table = hook()
    with caplog.at_level("INFO"):
        versions_table.on_config(config)
    assert [r.levelname for r in caplog.records] == ["INFO"], caplog.records
    assert "is missing" in caplog.records[0].getMessage()
    state = config["extra"]["versions_table"]
    assert versions_table.results(state, "snippets/demo/claim.py") == {
        KERAS3_COLUMN.name: "not yet recorded"
    }
    assert matrix.report_stale(tmp_path) == 1


def test_ranges_are_made_from_the_columns():
    k = {c.keras: c for c in COLUMNS if c.flavour == KERAS3}
    among = list(COLUMNS)
    holds = [k["3.15.1"], k["3.14.1"], k["3.13.2"], k["3.12.4"], k["3.11.3"]]
    assert label(holds, among) == "Keras 3.11–3.15"
    nightly = next(c for c in among if c.next_release)
    assert label([k["3.9.2"], k["3.3.3"], nightly], among) == (
        f"Keras 3.3, Keras 3.9 and the next release (keras-nightly {nightly.keras})"
    )


def test_a_changed_result_is_found_and_a_moved_version_is_not():
    old = {"pins": {"keras-nightly": "1"}, "snippets": {"a": {"result": "same"}}}
    new = {"pins": {"keras-nightly": "2"}, "snippets": {"a": {"result": "same"}}}
    assert records.changed_results(old, new) == []
    new["snippets"]["a"] = {"result": "fails", "detail": "x"}
    assert records.changed_results(old, new) == ["a: same -> fails"]


def test_each_lock_pins_what_its_column_declares():
    """matrix/*.lock is regenerated by `make matrix-lock` after a pin changes."""
    for column in COLUMNS:
        env = ENVS[column.env]
        assert environments.unlocked(environments.lock_file(env.name), env.pins) == []
        for pin in column.overlay_pins():
            assert environments.unlocked(environments.lock_file(pin), (pin,)) == []


def test_the_workflow_runs_every_column():
    workflow = yaml.safe_load((ROOT / ".github/workflows/matrix.yml").read_text())
    job = workflow["jobs"]["column"]
    assert tuple(job["strategy"]["matrix"]["column"]) == COLUMN_NAMES
    steps = " ".join(s.get("run", "") for s in workflow["jobs"]["records"]["steps"])
    assert "make matrix-stale" in steps


def test_the_next_release_output_is_shown_from_its_record(tmp_path):
    """`<!-- next-output: ... -->` shows what the keras-nightly column printed, and
    "not yet recorded" for a record older than the snippet."""
    site(tmp_path)
    nightly = next(c for c in COLUMNS if c.next_release)
    entry = record_of(tmp_path, nightly)
    entry["snippets"]["snippets/demo/claim.py"]["output"] = "dropped: none\n"
    state = hook().State(tmp_path, {nightly.name: entry}, {}, COLUMNS)
    lines = hook().next_output(state, "snippets/demo/claim.py", "    ")
    assert lines[0].startswith('    ```text title="Output on the next release')
    assert lines[1:] == ["    dropped: none", "    ```"]
    (tmp_path / "snippets/demo/claim.py").write_text("# changed\n")
    assert (
        "not yet recorded" in hook().next_output(state, "snippets/demo/claim.py", "")[1]
    )


@pytest.mark.parametrize(
    ("served", "says"),
    [
        ("keras (3.16.0)\nAvailable versions: 3.16.0, 3.15.1, 3.3.3\n", "keras3.16"),
        ("keras (3.15.1)\nAvailable versions: 3.15.1, 3.16.0rc1\n", None),
        ("", None),  # the registry cannot be reached: silent
    ],
)
def test_the_tripwire_names_the_column_to_add(monkeypatch, served, says):
    class Done:
        returncode, stdout = (0 if served else 1), served

    monkeypatch.setattr(environments.subprocess, "run", lambda *a, **k: Done())
    found = matrix.newer_release()
    assert (found is None) if says is None else (says in found and "3.15.1" in found)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("Keras is expected to change this.", True),
        ("The next release will be fixed soon.", True),
        ("The next release (keras-nightly) measured the same.", False),
        ("```python\n# this will change\n```", False),  # code is not prose
    ],
)
def test_a_forecast_in_prose_fails_the_strict_build(tmp_path, caplog, line, error):
    """A strict build fails on any error the build logs."""
    versions_table = hook()
    state = versions_table.State(tmp_path, {}, {}, COLUMNS)
    page = type("Page", (), {"file": type("File", (), {"src_uri": "page.md"})()})()
    config = {"extra": {versions_table.STATE: state}}
    with caplog.at_level("ERROR"):
        versions_table.on_page_markdown(line, page=page, config=config, files=None)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert bool(errors) is error, errors
    assert not errors or "page.md:1: a forecast" in errors[0]


def test_a_snippet_that_runs_pytest_is_not_applicable_on_the_columns(tmp_path):
    """The columns install TensorFlow and matplotlib, no pytest: such a snippet is n/a
    there (make test runs it), and says why."""
    demo = tmp_path / "snippets/demo"
    demo.mkdir(parents=True)
    (demo / "uses_pytest.py").write_text(
        'if __name__ == "__main__":\n    import pytest\n'
    )
    (demo / "plain.py").write_text("import numpy\n")
    reason = not_applicable("snippets/demo/uses_pytest.py", KERAS3, tmp_path)
    assert reason and "pytest" in reason and "make test" in reason
    assert not_applicable("snippets/demo/plain.py", KERAS3, tmp_path) is None
