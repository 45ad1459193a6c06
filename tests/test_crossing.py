"""The cross-release grid (tools/crossing.py): rendered from its record, never typed;
the record current; the engine saving every (style, front layer) pair of the atlas."""

import ast
import copy

from tools import ROOT, atlas, crossing
from tools.site import load_hook

NAME = "Functional|RandomFlip"
PINNED = crossing.loaders()[0].name


def record():
    """A small record: one model saved on `old`, loaded on `new` in two routes."""
    built = {"modes": {"predict": {"BN": False, "augmentation": False}}}
    return {
        "hash": "made by hand",
        "savers": {
            "old": {"short": "Keras 3.15", "error": None, "saved": {NAME: True}}
        },
        "loaders": {
            "new": {
                "short": "the next release",
                "error": None,
                "sets": {
                    crossing.BUILT: {NAME: copy.deepcopy(built)},
                    "old": {NAME: copy.deepcopy(built)},
                    "old|rebuilt": {NAME: copy.deepcopy(built)},
                },
            }
        },
    }


def test_changing_one_record_cell_changes_the_rendered_tables():
    hook = load_hook("crossing")
    page = "<!-- crossing: summary -->\n\n<!-- crossing: models old new -->\n"
    data = record()
    before = hook.render(page, data, "docs/upgrade.md")
    assert "0 of 1 behave otherwise" in before and crossing.AS_BUILT in before
    data["loaders"]["new"]["sets"]["old"][NAME]["modes"]["predict"]["BN"] = True
    after = hook.render(page, data, "docs/upgrade.md")
    assert "1 of 1 behave otherwise" in after
    assert "`predict`: BN off → on" in after
    assert "| Functional, RandomFlip first |" in after


def test_a_model_a_release_could_not_load_says_so():
    data = record()
    data["loaders"]["new"]["sets"]["old"][NAME] = {"error": "ValueError: unknown"}
    rows = crossing.models(data, "old", "new")
    assert rows[1][1] == "not loaded (ValueError)"


def test_no_grid_cell_is_typed_in_the_pages():
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for phrase in ("behave otherwise", " off → on", " on → off"):
            assert phrase not in text, f"{page.name}: a grid cell typed ({phrase!r})"


def test_the_record_describes_the_engine_as_it_is():
    assert crossing.stale(ROOT) is None, crossing.stale(ROOT)


def engine_constants():
    """The engine's constants, read (it runs only inside a version column)."""
    tree = ast.parse((ROOT / crossing.ENGINE).read_text(encoding="utf-8"))
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and getattr(node.targets[0], "id", "") == "MODES"
    }


def test_the_engine_saves_every_style_and_front_of_the_atlas():
    tree = ast.parse((ROOT / crossing.ENGINE).read_text(encoding="utf-8"))
    imported = {
        (node.module, alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert {("grid", "STYLES"), ("grid", "FRONTS")} <= imported
    assert atlas.GRID in crossing.HELPERS


def test_the_record_has_every_saver_and_loader():
    data = crossing.load(ROOT)
    assert set(data["savers"]) == {c.name for c in crossing.savers()}
    assert set(data["loaders"]) == {c.name for c in crossing.loaders()}
    built = data["loaders"][PINNED]["sets"][crossing.BUILT]
    assert sorted(data["models"]) == sorted(built)


def test_the_tables_order_the_modes_as_the_engine_runs_them():
    assert engine_constants()["MODES"] == crossing.MODES


def test_a_marker_naming_an_unknown_column_is_an_error_naming_page_and_line(caplog):
    hook = load_hook("crossing")
    page = "# Upgrading\n\n<!-- crossing: models old nowhere -->\n"
    hook.render(page, record(), "docs/upgrade.md")
    assert "docs/upgrade.md:3: old or nowhere is not in the grid" in caplog.text
