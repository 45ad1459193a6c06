"""Write what is generated: the Keras 2 twins (`make twins`, text only) and the `.out`
records (`make outputs`, from real runs). The only module that writes into snippets/."""

from __future__ import annotations

import pathlib

from tools import ROOT, includes, site
from tools.execute import run_many
from tools.pages import collect, snippet_preprocessor
from tools.snippets import (
    FOLDER,
    imported_siblings,
    is_twin,
    rel,
    twin_source,
    twins,
)
from tools.verdicts import tail


def write_twins(root: pathlib.Path = ROOT) -> int:
    """Rewrite every generated Keras 2 twin from its source; a twin a page includes that
    is missing is created, and so is the twin of each module a twin's source imports
    (a twin imports its siblings from its own keras2/ folder)."""
    for target in _include_targets(root):
        if is_twin(target):
            twin = root / FOLDER / target
            if not twin.exists() and (twin.parent.parent / twin.name).exists():
                twin.parent.mkdir(exist_ok=True)
                twin.write_text("", encoding="utf-8")
    for twin, source in twins(root).items():  # the modules a twin's source imports
        for sibling in imported_siblings(source) if source.exists() else ():
            mate = twin.parent / sibling.name
            if not mate.exists():
                mate.write_text("", encoding="utf-8")
    failures = 0
    for twin, source in twins(root).items():
        if not source.exists():
            print(
                f"FAILED {rel(twin, root)}: its source {rel(source, root)} does not "
                "exist; delete the twin"
            )
            failures += 1
            continue
        text = twin_source(source)
        if twin.read_text(encoding="utf-8") != text:
            twin.write_text(text, encoding="utf-8")
            print(f"updated   {rel(twin, root)}")
    return 1 if failures else 0


def write_outputs(root: pathlib.Path = ROOT, only: list[str] | None = None) -> int:
    """Run the snippet blocks (all, or those named and their twins) and record each
    one's stdout as <name>.out."""
    pre, _ = snippet_preprocessor(root)
    for target in (
        t for t in _include_targets(root) if t.endswith(".out")
    ):  # so that pages expand
        if not pre.get_snippet_path(target):
            path = root / FOLDER / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
    failures = write_twins(root)
    wanted = set(only or [])
    sources = twins(root)
    chosen = []
    for block in collect(root).snippets():
        source = sources.get(block.path)
        if block.expected is None or (
            wanted
            and block.snippet not in wanted
            and not (source and rel(source, root) in wanted)
        ):
            continue
        chosen.append(block)
    if wanted and not chosen:
        print(
            f"FAILED nothing recorded: no page shows {sorted(wanted)} "
            "with an output block"
        )
        return 1
    for block, outcome in zip(chosen, run_many(chosen), strict=True):
        if outcome.status != 0:
            failures += 1
            print(
                f"FAILED {block.id} (status {outcome.status}); "
                "its record is left as it was:\n"
                f"{tail(outcome.stderr)}"
            )
            continue
        old = (
            block.out_file.read_text(encoding="utf-8")
            if block.out_file.exists()
            else ""
        )
        block.out_file.write_text(outcome.stdout, encoding="utf-8")
        print(
            ("updated   " if old != outcome.stdout else "unchanged ")
            + rel(block.out_file, root)
        )
    return 1 if failures else 0


def _include_targets(root: pathlib.Path) -> list[str]:
    """Every file the pages include (markers expanded), relative to snippets/."""
    docs = site.docs_dir(root)
    return [include.target for _, include in includes.page_includes(docs)]
