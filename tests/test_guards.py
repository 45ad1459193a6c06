"""The guards fire: a deliberately broken site (tests/fixtures/broken) yields one clear message per defect."""
import pathlib

import pytest

import runner

BROKEN = pathlib.Path(__file__).parent / "fixtures" / "broken"
PAGE = "docs/index.md"
LINES = (BROKEN / PAGE).read_text().splitlines()


def line_of(text, after=0):
    """The page line (1-based) of the first line at or after `after` that contains text."""
    return next(i for i, line in enumerate(LINES, start=1) if i >= after and text in line)


@pytest.fixture(scope="module")
def collected():
    return runner.collect(BROKEN)


def block(blocks, name):
    return next(b for b in blocks if b.snippet and b.snippet.endswith(name))


def problem(problems, *parts):
    hits = [p for p in problems if all(part in p for part in parts)]
    assert hits, f"no problem mentions {parts}; problems were:\n" + "\n".join(problems)
    return hits[0]


def test_inline_python_block_is_reported_with_page_and_line(collected):
    inline_fence = line_of("```python", after=line_of("Code typed inline"))
    problem(collected[1], f"{PAGE}:{inline_fence}:", "typed inline")
    assert len([p for p in collected[1] if "typed inline" in p]) == 1, collected[1]


def test_orphaned_snippet_is_reported(collected):
    problem(collected[1], "snippets/demo/orphan.py", "not included by any page")


def test_missing_file_and_missing_section_are_reported(collected):
    problem(collected[1], f"{PAGE}:{line_of('demo/missing.py')}:", "demo/missing.py", "could not be found")
    problem(collected[1], f"{PAGE}:{line_of('no_such_section')}:", "no_such_section", "could not be located")


def test_block_without_its_output_is_reported(collected):
    fence = line_of("```python", after=line_of("shown without its output"))
    problem(collected[1], f"{PAGE}:{fence}:", "demo/no_output.py", "without its output")


def test_good_block_passes(collected):
    assert runner.check(block(collected[0], "good.py"), BROKEN).ok


def test_raising_snippet_shows_its_own_path_and_line(collected):
    result = runner.check(block(collected[0], "raises.py"), BROKEN)
    assert not result.ok
    fence = line_of("```python", after=line_of("A snippet that raises"))
    assert f"docs/index.md::line {fence} (snippets/demo/raises.py)" in result.message
    assert 'snippets/demo/raises.py", line 3' in result.message
    assert "AssertionError: the claim is false" in result.message
    assert "runner.py" not in result.message


def test_hanging_snippet_is_stopped_and_named(collected):
    result = runner.check(block(collected[0], "hangs.py"), BROKEN, timeout=2)
    assert not result.ok
    assert "hangs.py" in result.message and "did not finish within 2 s" in result.message


def test_drifted_output_shows_a_diff_and_the_refresh_command(collected):
    result = runner.check(block(collected[0], "drifted.py"), BROKEN)
    assert not result.ok
    assert "-the old story" in result.message and "+the new truth" in result.message
    assert "make outputs" in result.message


def test_strict_build_failure_is_reported(tmp_path):
    ok, log = runner.build(BROKEN, tmp_path / "site")
    assert not ok
    assert "demo/missing.py" in log


def test_make_outputs_rewrites_records_from_real_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "TIMEOUT", 3)
    site = tmp_path / "site"
    import shutil
    shutil.copytree(BROKEN, site)
    (site / "snippets/demo/good.out").unlink()  # a record not written yet is created
    assert runner.write_outputs(site) == 1  # raises.py and hangs.py cannot be recorded: reported as failures
    assert (site / "snippets/demo/drifted.out").read_text() == "the new truth\n"
    assert (site / "snippets/demo/good.out").read_text() == "hello from good\n"
    assert (site / "snippets/demo/raises.out").read_text() == "never\n"  # left as it was
    assert (site / "snippets/demo/twin_keras2.py").read_text() == runner.twin_source(site / "snippets/demo/twin.py")


def test_stale_keras2_twin_is_reported(collected):
    problem(collected[1], "snippets/demo/twin_keras2.py", "out of date with snippets/demo/twin.py", "make outputs")


def test_too_wide_snippet_line_is_reported(collected):
    problem(collected[1], "snippets/demo/wide.py:1:", "102 characters", "within 88")
