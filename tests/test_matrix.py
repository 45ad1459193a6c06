"""`make matrix` without TensorFlow: how outcomes become records (same / differs /
fails / n/a), and the strict build's error when a record is older than its snippet."""

import importlib.util
import json

import pytest
import yaml

from tools import ROOT, matrix

KERAS3_COLUMN = matrix.COLUMNS[0]
KERAS2_COLUMN = next(c for c in matrix.COLUMNS if c.flavour == matrix.KERAS2)
TRACEBACK = """\
Traceback (most recent call last):
  File "{root}/snippets/demo/claim.py", line 7, in <module>
    assert dropped, "Dropout should drop units in the train step"
           ^^^^^^^
AssertionError: Dropout should drop units in the train step
"""


def test_same_output_is_same():
    assert matrix.classify("a\nb\n", 0, "a\nb  \n", "") == (matrix.SAME, "")


def test_other_output_differs_and_keeps_the_diff():
    result, detail = matrix.classify("dropped: True\n", 0, "dropped: False\n", "")
    assert result == matrix.DIFFERS
    assert "-dropped: True" in detail and "+dropped: False" in detail


def test_a_failure_keeps_the_message_and_the_snippet_line_not_the_machine():
    stderr = "I0000 tensorflow noise\n" + TRACEBACK.format(root=ROOT)
    result, detail = matrix.classify("x\n", 1, "", stderr)
    assert result == matrix.FAILS
    assert "AssertionError: Dropout should drop units in the train step" in detail
    assert "snippets/demo/claim.py, line 7" in detail
    assert str(ROOT) not in detail and "noise" not in detail and "^^^" not in detail


def test_a_hang_fails():
    assert matrix.classify("x\n", None, "", "", timeout=120.0) == (
        matrix.FAILS,
        "did not finish within 120 s",
    )


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
    reason = matrix.not_applicable(snippet, column)
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

    def fake_child(python, overlays, runs, root):
        ran.extend(b.snippet for b in runs)
        outcome = {"stdout": "ok\n", "stderr": "", "status": 0, "timeout": 1.0}
        return {
            "installed": {"tensorflow": "2.21.0", "keras": "3.15.1"},
            "outcomes": [
                outcome,
                dict(outcome, stdout="not ok\n"),
                dict(outcome, status=1, stderr=TRACEBACK.format(root=tmp_path)),
            ],
        }

    monkeypatch.setattr(matrix, "ensure_env", lambda env, root: "python")
    monkeypatch.setattr(matrix, "ensure_overlay", lambda pin, python, root: pin)
    monkeypatch.setattr(matrix, "_child_run", fake_child)
    record = matrix.run_column(KERAS3_COLUMN, blocks, tmp_path)
    assert ran == [b.snippet for b in blocks[:3]]  # the Keras 2 twin is not run
    results = {s: e["result"] for s, e in record["snippets"].items()}
    assert results == {
        "snippets/demo/same.py": "same",
        "snippets/demo/differs.py": "differs",
        "snippets/demo/fails.py": "fails",
        "snippets/demo/keras2/twin.py": "n/a",
    }
    assert record["error"] is None and matrix.counts(record)["n/a"] == 1
    text = matrix.dump(record)
    assert text == matrix.dump(json.loads(text)), "records are written in one order"


def test_a_column_that_cannot_be_set_up_says_why(tmp_path, monkeypatch):
    def no_env(env, root):
        raise matrix.SetupError("pip install failed: no matching distribution")

    monkeypatch.setattr(matrix, "ensure_env", no_env)
    record = matrix.run_column(KERAS3_COLUMN, [], tmp_path)
    assert "no matching distribution" in record["error"]


def hook():
    spec = importlib.util.spec_from_file_location(
        "versions_table", ROOT / "hooks" / "versions_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    return hook().shown_snippets(str(tmp_path / "docs"), str(tmp_path))


def record_of(tmp_path, column):
    snippet = "snippets/demo/claim.py"
    entry = {
        "hash": matrix.source_hash(snippet, tmp_path),
        "result": "same",
        "detail": "",
    }
    return {"pins": column.pins(), "error": None, "snippets": {snippet: entry}}


def test_the_hook_finds_where_a_snippet_is_shown(tmp_path):
    assert site(tmp_path) == {"snippets/demo/claim.py": ("page.md", "claim", 0)}


@pytest.mark.parametrize("change", ["claim.py", "claim.out", "helper.py"])
def test_the_build_fails_when_a_record_is_older_than_its_snippet(tmp_path, change):
    shown = site(tmp_path)
    records = {KERAS3_COLUMN.name: record_of(tmp_path, KERAS3_COLUMN)}
    check = hook().problems
    assert check(str(tmp_path), records, shown, [KERAS3_COLUMN]) == []
    path = tmp_path / "snippets/demo" / change
    path.write_text(path.read_text() + "# changed\n")
    (message,) = check(str(tmp_path), records, shown, [KERAS3_COLUMN])
    assert "snippets/demo/claim.py changed after it was recorded" in message
    assert "make matrix" in message


def test_the_build_fails_on_a_missing_record_or_changed_pins(tmp_path):
    shown = site(tmp_path)
    record = record_of(tmp_path, KERAS3_COLUMN)
    check = hook().problems
    (missing,) = check(str(tmp_path), {}, shown, [KERAS3_COLUMN])
    assert f"make matrix COLUMNS={KERAS3_COLUMN.name}" in missing
    record["pins"] = dict(record["pins"], keras="3.0.0")
    records = {KERAS3_COLUMN.name: record}
    (pins,) = check(str(tmp_path), records, shown, [KERAS3_COLUMN])
    assert "3.0.0" in pins and "make matrix" in pins


def test_each_lock_pins_what_its_column_declares():
    """matrix/*.lock is regenerated by `make matrix-lock` after a pin changes."""
    for column in matrix.COLUMNS:
        env = matrix.ENVS[column.env]
        assert matrix.unlocked(matrix.lock_file(env.name), env.pins) == []
        for pin in column.overlay:
            assert matrix.unlocked(matrix.lock_file(pin), (pin,)) == []


def test_the_workflow_runs_every_column():
    workflow = yaml.safe_load((ROOT / ".github/workflows/matrix.yml").read_text())
    (job,) = workflow["jobs"].values()
    assert tuple(job["strategy"]["matrix"]["column"]) == matrix.COLUMN_NAMES
