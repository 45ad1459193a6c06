"""The guards fire: a deliberately broken site (tests/fixtures/broken) yields one clear
message per defect."""

import dataclasses
import pathlib
import shutil

import pytest

from tools import (
    costs,
    execute,
    includes,
    mutants,
    numerics,
    outputs,
    paste,
    site,
    verdicts,
)
from tools.pages import collect
from tools.snippets import Block, twin_source

BROKEN = pathlib.Path(__file__).parent / "fixtures" / "broken"
PAGE = "docs/index.md"
LINES = (BROKEN / PAGE).read_text().splitlines()


def line_of(text, after=0):
    """The page line (1-based) of the first line at or after `after` holding text."""
    return next(
        i for i, line in enumerate(LINES, start=1) if i >= after and text in line
    )


@pytest.fixture(scope="module")
def collected():
    return collect(BROKEN)


def block(blocks, name):
    return next(b for b in blocks if b.snippet.endswith(name))


def problem(problems, *parts):
    hits = [p for p in problems if all(part in p for part in parts)]
    assert hits, f"no problem mentions {parts}; problems were:\n" + "\n".join(problems)
    return hits[0]


def test_inline_python_block_is_reported_with_page_and_line(collected):
    inline_fence = line_of("```python", after=line_of("Code typed inline"))
    problem(collected.problems, f"{PAGE}:{inline_fence}:", "typed inline")
    assert len([p for p in collected.problems if "typed inline" in p]) == 1, (
        collected.problems
    )


def test_orphaned_snippet_is_reported(collected):
    problem(collected.problems, "snippets/demo/orphan.py", "not included by any page")


def test_missing_file_and_missing_section_are_reported(collected):
    problem(
        collected.problems,
        f"{PAGE}:{line_of('demo/missing.py')}:",
        "demo/missing.py",
        "could not be found",
    )
    problem(
        collected.problems,
        f"{PAGE}:{line_of('no_such_section')}:",
        "no_such_section",
        "could not be located",
    )


def test_block_without_its_output_is_reported(collected):
    fence = line_of("```python", after=line_of("shown without its output"))
    problem(
        collected.problems,
        f"{PAGE}:{fence}:",
        "demo/no_output.py",
        "without its output",
    )


def check(block, timeout=None):
    """Run one block and word its verdict as `make test` does."""
    return verdicts.problem(block, execute.execute(block, timeout))


def test_good_block_passes(collected):
    assert check(block(collected.blocks, "good.py")) is None


def test_raising_snippet_shows_its_own_path_and_line(collected):
    message = check(block(collected.blocks, "raises.py"))
    fence = line_of("```python", after=line_of("A snippet that raises"))
    assert f"docs/index.md::line {fence} (snippets/demo/raises.py)" in message
    assert 'raises.py", line 3' in message
    assert "AssertionError: the claim is false" in message
    assert "tools/" not in message


def test_hanging_snippet_is_stopped_and_named(collected):
    message = check(block(collected.blocks, "hangs.py"), timeout=2)
    assert "hangs.py" in message and "did not finish within its limit of 2 s" in message
    assert "a limit its caller set" in message


def test_a_block_over_its_limit_fails_and_one_within_it_passes(collected, monkeypatch):
    """The limit comes from the recorded cost (the fixture's tests/block-costs.json:
    hangs.py 0.5 s, good.py 0.3 s): 4 x the cost, at least the floor (1 s here)."""
    monkeypatch.setattr(costs, "FLOOR", 1.0)
    hangs = block(collected.blocks, "hangs.py")
    good = block(collected.blocks, "good.py")
    over, within = execute.run_many([hangs, good])
    assert (over.timeout, over.cost) == (2.0, 0.5)
    assert within.timeout == pytest.approx(1.2)
    message = verdicts.problem(hangs, over)
    assert f"{PAGE}::line " in message and "(snippets/demo/hangs.py)" in message
    assert "did not finish within its limit of 2 s" in message
    assert "its recorded cost is 0.5 s; the limit is 4 x the cost, at least 1 s" in (
        message
    )
    assert "make costs" in message and costs.COSTS in message
    assert verdicts.problem(good, within) is None


def test_a_block_without_a_recorded_cost_may_take_the_most_a_block_may(tmp_path):
    assert costs.limit(None) == costs.MULTIPLE * costs.MAX_COST
    assert costs.limit(1.0) == costs.FLOOR and costs.limit(30.0) == 120.0
    assert "no recorded cost" in costs.overrun(costs.limit(None), None)
    assert costs.load(tmp_path) == {}


def test_no_block_costs_more_than_the_most_allowed():
    """The recorded costs (make costs) name blocks the site shows, none over
    MAX_COST seconds as `make test` runs it."""
    recorded = costs.load()
    shown = {b.snippet for b in collect().blocks}
    assert recorded, f"no {costs.COSTS}: run `make costs`"
    assert set(recorded) <= shown, f"costs of snippets no page shows: {costs.REFRESH}"
    heavy = {k: v for k, v in recorded.items() if v > costs.MAX_COST}
    assert not heavy, (
        f"over {costs.MAX_COST:g} s as `make test` runs them: {heavy}; make them "
        "cheaper (smaller shapes, fewer steps, or one proof split into several blocks)"
    )


def test_drifted_output_shows_a_diff_and_the_refresh_command(collected):
    message = check(block(collected.blocks, "drifted.py"))
    assert "-the old story" in message and "+the new truth" in message
    assert "make outputs" in message


def test_parallel_runs_keep_each_blocks_own_output(collected):
    chosen = [
        block(collected.blocks, n)
        for n in ("good.py", "drifted.py", "raises.py", "derived_label.py")
    ]
    outcomes = execute.run_many(chosen * 3, jobs=4)
    assert [o.stdout for o in outcomes] == [
        "hello from good\n",
        "the new truth\n",
        "",
        "dropout active: True\n",
    ] * 3
    assert [o.status for o in outcomes] == [0, 0, 1, 0] * 3


def test_processes_naming_one_slots_folder_share_one_slot_per_core(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(execute.SHARED_SLOTS, str(tmp_path))
    monkeypatch.setattr(execute.os, "cpu_count", lambda: 2)
    first, second = execute.Slots(), execute.Slots()  # as two interpreters hold them
    held = [first.take(), first.take()]
    assert None not in held and first.take() is None
    assert second.take() is None, "the other one's blocks hold every core"
    first.give_back(held[0])
    assert second.take() is not None and first.take() is None
    first.close(), second.close()
    monkeypatch.delenv(execute.SHARED_SLOTS)
    assert execute.Slots().take() == -1, "no folder named: no limit"


def test_strict_build_failure_is_reported(tmp_path):
    ok, log = site.build(tmp_path / "site", root=BROKEN)
    assert not ok
    assert "demo/missing.py" in log


def test_make_outputs_rewrites_records_from_real_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(costs, "FLOOR", 3)  # hangs.py: 3 s, not a minute
    copy = tmp_path / "site"
    shutil.copytree(BROKEN, copy)
    (copy / "snippets/demo/good.out").unlink()  # a record not written yet is created
    assert (
        outputs.write_outputs(copy) == 1
    )  # raises.py and hangs.py cannot be recorded: reported as failures
    assert (copy / "snippets/demo/drifted.out").read_text() == "the new truth\n"
    assert (copy / "snippets/demo/good.out").read_text() == "hello from good\n"
    assert (
        copy / "snippets/demo/raises.out"
    ).read_text() == "never\n"  # left as it was
    assert (copy / "snippets/demo/keras2/twin.py").read_text() == twin_source(
        copy / "snippets/demo/twin.py"
    )


def test_stale_keras2_twin_is_reported(collected):
    problem(
        collected.problems,
        "snippets/demo/keras2/twin.py",
        "out of date with snippets/demo/twin.py",
        "make twins",
    )


def test_too_wide_snippet_line_is_reported(collected):
    problem(
        collected.problems, "snippets/demo/wide.py:1:", "102 characters", "within 88"
    )


def test_a_flip_that_changes_nothing_survives_and_is_named(collected):
    done = mutants.run(
        [
            block(collected.blocks, "typed_label.py"),
            block(collected.blocks, "derived_label.py"),
        ]
    )
    text, ok = mutants.report(done)
    assert not ok
    assert (
        "snippets/demo/typed_label.py:8:" in text and "True -> False: SURVIVED" in text
    )
    assert (
        "snippets/demo/derived_label.py:8:" in text and "caught, output changed" in text
    )
    assert (
        "2 flips: 1 caught (50%), 1 survived, 1 of them without a `# flip-safe:` reason"
        in text
    )


def test_output_that_depends_on_numerics_is_caught(collected):
    problems = numerics.run(BROKEN)
    hit = problems[block(collected.blocks, "thread_count.py").id]
    assert "-intra-op threads: 0" in hit and "+intra-op threads: 1" in hit
    assert all(p is None for i, p in problems.items() if "thread_count" not in i)


def test_a_flip_inside_a_tf_function_takes_effect(collected):
    (flip,) = mutants.run([block(collected.blocks, "flip_in_tf_function.py")])
    assert flip.caught and flip.how.startswith("output changed"), flip


def test_a_mutant_is_stopped_at_its_first_line_that_differs(collected):
    """Mutants stop early (their verdict is already known); a run that only prints the
    recorded lines so far goes on."""
    drifted = block(collected.blocks, "drifted.py")
    waits = "import time\nprint('the new truth', flush=True)\ntime.sleep(600)\n"
    slow = dataclasses.replace(drifted, code=waits)
    (outcome,) = execute.run_many(
        [slow], timeout=300, stop_when=verdicts.first_difference
    )
    assert outcome.diverged and outcome.status is None
    result, diff = verdicts.verdict(drifted.expected, outcome)
    assert result == verdicts.DIFFERS and "+the new truth" in diff
    assert verdicts.first_difference("a\nb\n", "a\n") is False
    assert verdicts.first_difference("a\nb\n", "a\nb  \n\n") is False
    assert verdicts.first_difference("a\nb\n", "a\nc") is False  # c is not complete
    assert verdicts.first_difference("a\nb\n", "a\nc\n") is True
    assert verdicts.first_difference("a\n", "a\nmore\n") is True


def test_a_flip_safe_flip_is_named_with_its_reason_and_not_run(collected):
    typed = block(collected.blocks, "typed_label.py")
    lines = typed.code.splitlines()
    lines[7] += "  # flip-safe: the label is typed"
    safe = dataclasses.replace(typed, code="\n".join(lines) + "\n")
    (flip,) = mutants.run([safe])
    assert flip.caught is False
    assert flip.how == "flip-safe: the label is typed (not run)"


def test_flips_are_recalled_only_while_their_snippet_is_as_recorded(
    tmp_path, monkeypatch
):
    root = tmp_path / "site"
    shutil.copytree(BROKEN, root)
    derived = block(collect(root).blocks, "derived_label.py")
    first = mutants.run_or_recall([derived], root)
    assert [f.recalled for f in first] == [False] and first[0].caught
    mutants.save(first, root)

    def no_run(*_, **__):
        raise AssertionError("a recorded flip ran again")

    monkeypatch.setattr(mutants, "run_many", no_run)
    again = mutants.run_or_recall([derived], root)
    assert [(f.recalled, f.caught) for f in again] == [(True, True)]
    assert "1 recalled from tests/mutants.json" in mutants.report(again)[0]

    monkeypatch.undo()
    (root / derived.snippet).write_text(derived.code + "# changed\n")
    changed = block(collect(root).blocks, "derived_label.py")
    (ran,) = mutants.run_or_recall([changed], root)
    assert not ran.recalled and ran.caught, "a changed snippet's flips run again"


def test_a_snippets_record_is_replaced_not_merged(tmp_path):
    """Flips that moved (a line added above them) leave no stale names behind, or the
    record would never be recalled again."""
    root = tmp_path / "site"
    shutil.copytree(BROKEN, root)
    derived = block(collect(root).blocks, "derived_label.py")
    mutants.save(mutants.run([derived]), root)
    path = root / derived.snippet
    path.write_text("# a line above\n" + derived.code)
    moved = block(collect(root).blocks, "derived_label.py")
    mutants.save(mutants.run([moved]), root)
    names = set(mutants.load(root)["snippets"][moved.snippet]["flips"])
    assert names == {f.name for f in mutants.flips(moved)}


def test_a_block_importing_a_module_no_page_shows_fails_naming_it(collected):
    """In the repository its folder is on sys.path; a reader's folder lacks it."""
    fence = line_of("```python", after=line_of("which no page shows"))
    where = f"{PAGE}:{fence}: snippets/demo/imports_helper.py"
    problem(collected.problems, where, "imports `helper`", "lacks")
    message = check(block(collected.blocks, "imports_helper.py"))
    assert "No module named 'helper'" in message, message
    assert f"{where} needs module `helper`" in message, message


def test_a_block_reaching_beside_itself_through_file_fails_naming_it(collected):
    fence = line_of("```python", after=line_of("a file beside it through"))
    where = f"{PAGE}:{fence}: snippets/demo/reads_beside.py"
    problem(collected.problems, where, "through `__file__`", "helper.py")
    message = check(block(collected.blocks, "reads_beside.py"))
    assert f"{where} needs file helper.py" in message, message


def test_a_module_shown_to_save_is_placed_beside_the_blocks_after_it(collected):
    """The runner's folder holds the block and the module, and nothing else; cwd,
    sys.path[0], argv[0] and __file__ all point there (the snippet asserts it)."""
    uses = block(collected.blocks, "uses_shared.py")
    shared = block(collected.blocks, "demo/shared.py")
    assert uses.helpers == (("shared.py", shared.code),)
    assert check(uses) is None
    assert not [p for p in collected.problems if "shared" in p], collected.problems


def test_marked_lines_are_highlighted_and_an_unmarked_lesson_is_reported(collected):
    fence = includes.expand(["<!-- example: demo/good.py -->"], BROKEN)[0][0]
    assert fence == '```python title="snippets/demo/good.py" hl_lines="1"', fence
    problem(collected.problems, "snippets/demo/drifted.py", "marks no line")
    assert not [p for p in collected.problems if "good.py marks no line" in p]


def test_a_long_block_without_its_reason_is_reported(tmp_path):
    body = "\n".join(f"print({n})" for n in range(85))
    snippet = tmp_path / "snippets" / "demo" / "long.py"
    snippet.parent.mkdir(parents=True)
    for reason in ("", "# Long because: it counts to 85.\n\n"):
        text = f'"""A claim."""\n\n{reason}{body}\n'
        snippet.write_text(text)
        long = Block("docs/x.md", 7, text, "snippets/demo/long.py", "", None, tmp_path)
        found = paste.long_without_a_reason([long], tmp_path)
        if reason:
            assert found == [], found
        else:
            assert found and "docs/x.md:7: snippets/demo/long.py is" in found[0], found
