"""Read the pages as a reader sees them and collect their code blocks; report broken
contracts. Runs nothing.

Markers are expanded (tools.includes), then each include line by pymdownx.snippets
configured as mkdocs.yml declares it, so every line remembers its page line and file;
pytest-codeblocks' `extract_from_buffer` finds the blocks and their outputs. `collect()`
returns the blocks, the problems, and which block stands for a snippet."""

from __future__ import annotations

import dataclasses
import io
import pathlib
import re

from tools import ROOT, includes, paste, site
from tools.snippets import (
    FOLDER,
    Block,
    imported_siblings,
    rel,
    twin_source,
    twins,
)

PY_LANGS = {"python", "py", "python3"}
MISSING = "<missing include>"


def snippet_preprocessor(root: pathlib.Path):
    """The pymdownx.snippets preprocessor with the configuration mkdocs.yml declares,
    and the docs folder."""
    import markdown

    cfg = site.load_mkdocs_config(root, plugins=False)  # the Markdown settings suffice
    name = "pymdownx.snippets"
    if name not in cfg["markdown_extensions"]:
        raise RuntimeError(
            f"{root / 'mkdocs.yml'}: markdown_extensions does not enable {name}"
        )
    md = markdown.Markdown(
        extensions=[name], extension_configs={name: cfg["mdx_configs"].get(name, {})}
    )
    return md.preprocessors["snippet"], pathlib.Path(cfg["docs_dir"])


def _expand(page: pathlib.Path, root: pathlib.Path, pre, problems: list[str]):
    """The page with its includes expanded, and per line (page line, included file or
    None)."""
    rel_page = rel(page, root)
    lines: list[str] = []
    origin: list[tuple[int, str | None]] = []
    for raw, lineno in includes.expand(
        page.read_text(encoding="utf-8").splitlines(), root
    ):
        if raw.strip() in {"--8<--", "-8<-"}:
            problems.append(
                f"{rel_page}:{lineno}: block-form `--8<--` includes are not supported; "
                f'write one `--8<-- "file"` line per include'
            )
        m = includes.INCLUDE.match(raw)
        if not m:
            lines.append(raw)
            origin.append((lineno, None))
            continue
        target = pre.parse_snippet_target(m.group("target")) or {
            "path": m.group("target")
        }
        found = pre.get_snippet_path(target["path"])
        try:
            expanded = pre.run([raw])
        except Exception as exc:  # SnippetMissingError: a missing file or section
            problems.append(
                f"{rel_page}:{lineno}: include {m.group('target')!r} failed: {exc}"
            )
            lines.append(raw)
            origin.append((lineno, MISSING))
            continue
        source = rel(pathlib.Path(found), root) if found else None
        if source and not expanded:  # an empty file is still included
            lines.append("")
            origin.append((lineno, source))
            continue
        lines.extend(expanded)
        origin.extend([(lineno, source)] * len(expanded))
    return lines, origin


def read_page(
    page: pathlib.Path, root: pathlib.Path, pre
) -> tuple[list[Block], set[str], list[str]]:
    """A page's Python blocks, the files it includes, and its problems."""
    from pytest_codeblocks.main import extract_from_buffer

    rel_page = rel(page, root)
    problems: list[str] = []
    lines, origin = _expand(page, root, pre, problems)
    included = {src for _, src in origin if src and src != MISSING}
    try:
        extracted = extract_from_buffer(io.StringIO("\n".join(lines) + "\n"))
    except RuntimeError as exc:
        return (
            [],
            included,
            problems + [f"{rel_page}: pytest-codeblocks cannot read the page: {exc}"],
        )

    blocks, saved = [], []
    for cb in extracted:
        info = (cb.syntax or "").strip().lstrip("{").lstrip(".")
        lang = re.split(r"[\s{}]", info, maxsplit=1)[0].lower() if info else ""
        page_line = origin[cb.lineno - 1][0]
        n = cb.code.count("\n")
        sources = {
            origin[i][1] for i in range(cb.lineno, cb.lineno + n) if lines[i].strip()
        }
        files = sorted(s for s in sources if s)
        if lang not in PY_LANGS or MISSING in sources:
            continue  # not Python, or a broken include (reported above)
        if None in sources or not files:
            problems.append(
                f"{rel_page}:{page_line}: a Python block typed inline; put the code in "
                "snippets/<topic>/<name>.py and include it with "
                '`--8<-- "<topic>/<name>.py"`'
            )
            continue
        if len(files) != 1:
            problems.append(
                f"{rel_page}:{page_line}: a block must show exactly one snippet file, "
                f"this one includes {files}"
            )
            continue
        expected_from = None
        if cb.expected_output is not None:
            # the expected-output block is the next fence after this block's closing
            # fence
            after = [
                i
                for i in range(cb.lineno + n + 1, len(lines))
                if lines[i].lstrip().startswith("```")
            ]
            if len(after) >= 2:
                outs = {
                    origin[i][1] for i in range(after[0] + 1, after[1]) if origin[i][1]
                }
                expected_from = sorted(outs)[0] if outs else None
        block = Block(
            rel_page,
            page_line,
            cb.code,
            files[0],
            cb.expected_output,
            expected_from,
            root,
        )
        want = rel(block.out_file, root)
        saved.append(paste.saved_as(lines, cb.lineno + n))
        if cb.expected_output is None and saved[-1] and not block.out_file.exists():
            pass  # a module a reader saves beside later blocks: it prints nothing
        elif cb.expected_output is None:
            problems.append(
                f"{rel_page}:{page_line}: {block.snippet} is shown without its "
                "output; add <!--pytest-codeblocks:expected-output--> and a block "
                f"including {want!r}"
            )
        elif expected_from not in (None, want):
            problems.append(
                f"{rel_page}:{page_line}: the output shown under {block.snippet} "
                "comes from "
                f"{expected_from}, expected {want}"
            )
        blocks.append(block)
    blocks, found = paste.place_helpers(blocks, saved, root)
    return blocks, included, problems + found


def notebook_blocks(docs: pathlib.Path, root: pathlib.Path) -> list[Block]:
    """Files under docs/ that are symlinks to snippets (notebook sources) run as blocks
    too."""
    blocks = []
    for link in sorted(docs.rglob("*")):
        if link.is_symlink() and link.suffix == ".py":
            target = link.resolve()
            code = target.read_text(encoding="utf-8")
            blocks.append(
                Block(rel(link, root), 1, code, rel(target, root), None, None, root)
            )
    return blocks


@dataclasses.dataclass
class Collection:
    """What `collect` found: every block in page order, and every problem."""

    blocks: list[Block]
    problems: list[str]

    def snippets(self) -> list[Block]:
        """One block per snippet, in the order pages first show them: the first block
        a page shows with its output, else the first. Records, mutants, numerics, the
        matrix and the bench all run these."""
        chosen: dict[str, Block] = {}
        for block in self.blocks:
            old = chosen.get(block.snippet)
            if old is None or (old.expected is None and block.expected is not None):
                chosen[block.snippet] = block
        return list(chosen.values())


def collect(root: pathlib.Path = ROOT) -> Collection:
    """Every Python block of every page, and every structural problem on the way."""
    pre, docs = snippet_preprocessor(root)
    blocks, problems, included = [], [], set()
    for page in sorted(docs.rglob("*.md")):
        b, inc, p = read_page(page, root, pre)
        blocks += b
        problems += p
        included |= inc
    shown = sorted(f for f in included if f.endswith(".py"))
    for name in shown:  # a module a shown snippet imports is part of it, not an orphan
        included |= {rel(s, root) for s in imported_siblings(root / name)}
    columns = site.line_length()
    for name in shown:
        for n, text in enumerate(
            (root / name).read_text(encoding="utf-8").splitlines(), start=1
        ):
            if len(text) > columns:
                problems.append(
                    f"{name}:{n}: {len(text)} characters; lines shown on the site "
                    f"stay within {columns} (ruff.toml's line-length) so code blocks "
                    "do not scroll sideways"
                )
    problems += paste.long_without_a_reason(blocks, root)
    problems += paste.unmarked(blocks, includes.modules(docs))
    nb = notebook_blocks(docs, root)
    blocks += nb
    included |= {b.snippet for b in nb}
    for f in sorted((root / FOLDER).rglob("*")):
        if (
            f.suffix in {".py", ".out"}
            and "__pycache__" not in f.parts
            and rel(f, root) not in included
        ):
            kind = "snippet" if f.suffix == ".py" else "recorded output"
            problems.append(
                f"{rel(f, root)}: not included by any page (an orphaned {kind})"
            )
    for twin, source in twins(root).items():
        if not source.exists():
            problems.append(
                f"{rel(twin, root)}: a generated Keras 2 twin of {rel(source, root)}, "
                "which does not exist"
            )
        elif twin.read_text(encoding="utf-8") != twin_source(source):
            problems.append(
                f"{rel(twin, root)}: out of date with {rel(source, root)}; "
                "run `make twins`"
            )
    found = {b.snippet for b in blocks}
    for snippet, where in includes.shown(docs, root).items():
        if snippet not in found and (root / snippet).is_file():
            problems.append(
                f"{rel(docs / where.page, root)}: includes {snippet} outside a Python "
                "code block; show a snippet in a ```python block (or with a marker)"
            )
    return Collection(blocks, problems)
