"""How a page refers to snippets: the one reader of `--8<--` include lines and of the
one-line example markers. Runs nothing, imports nothing heavy.

A page shows a snippet with its output in one line:

    <!-- example: why/dropout_only_in_training.py -->   the snippet, then its output
    <!-- pair: pitfalls/value_leak.py -->               a "Keras 3" tab and a "Keras 2"
                                                        tab (the generated twin), each
                                                        with its output

`expand()` turns each marker into the Markdown it stands for (fenced blocks holding
`--8<--` includes, the output block marked for pytest-codeblocks), at the marker's
indentation. The site does it with `MarkerExtension` (registered by hooks/includes.py,
before pymdownx.snippets), and tools.pages with the same function, so the runner and
pytest-codeblocks see exactly what a reader sees. `scan()` lists a page's includes,
each with the page line it comes from and the section it stands in."""

from __future__ import annotations

import dataclasses
import re

from tools.twins import twin_of

INCLUDE = re.compile(r"""^(?P<indent>\s*)-+8<-+\s+(["'])(?P<target>[^"']+)\2\s*$""")
MARKER = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*(?P<kind>example|pair):\s*(?P<target>\S+\.py)\s*-->\s*$"
)
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*$")
ANCHOR = re.compile(r"\s*\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
EXPECTED = "<!--pytest-codeblocks:expected-output-->"


def _example(target: str) -> list[str]:
    out = target.removesuffix(".py") + ".out"
    return [
        f'```python title="snippets/{target}"',
        f'--8<-- "{target}"',
        "```",
        "",
        EXPECTED,
        '```text title="Output"',
        f'--8<-- "{out}"',
        "```",
    ]


def _pair(target: str) -> list[str]:
    lines = []
    for title, path in (("Keras 3", target), ("Keras 2", twin_of(target))):
        lines += [f'=== "{title}"', ""]
        lines += [f"    {line}" if line else "" for line in _example(path)]
        lines.append("")
    return lines[:-1]


def marker_lines(kind: str, target: str) -> list[str]:
    """The Markdown a marker stands for, unindented."""
    return _example(target) if kind == "example" else _pair(target)


def expand(lines: list[str]) -> list[tuple[str, int]]:
    """Each marker replaced by what it stands for; every line with its page line."""
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(lines, start=1):
        m = MARKER.match(line)
        if not m:
            out.append((line, lineno))
            continue
        indent = m["indent"]
        out += [
            (indent + text if text else "", lineno)
            for text in marker_lines(m["kind"], m["target"])
        ]
    return out


@dataclasses.dataclass(frozen=True)
class Include:
    line: int  # the page line that holds it (the marker's line for a marker)
    target: str  # as written: <topic>/<name>.py, relative to snippets/
    anchor: str  # the id of the section it stands in ("" above the first heading)


def scan(text: str) -> list[Include]:
    """Every include of a page (markers expanded), in order, with its section."""
    from markdown.extensions.toc import slugify

    found, anchor, fenced = [], "", False
    for line, lineno in expand(text.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else HEADING.match(line)
        if heading:
            m = ANCHOR.search(heading["text"])
            anchor = m["id"] if m else slugify(heading["text"], "-")
        include = INCLUDE.match(line)
        if include:
            found.append(Include(lineno, include["target"], anchor))
    return found


try:  # the Markdown extension, where Markdown is installed (the site's environment)
    from markdown.extensions import Extension
    from markdown.preprocessors import Preprocessor

    class MarkerPreprocessor(Preprocessor):
        def run(self, lines: list[str]) -> list[str]:
            return [text for text, _ in expand(lines)]

    class MarkerExtension(Extension):
        """Expands the example/pair markers before pymdownx.snippets reads includes."""

        def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
            # pymdownx.snippets runs at priority 32: run first
            md.preprocessors.register(MarkerPreprocessor(md), "snippet_markers", 33)

    class _Substitute(Preprocessor):
        def __init__(self, md, replace) -> None:
            super().__init__(md)
            self.replace = replace

        def run(self, lines: list[str]) -> list[str]:
            return [self.replace(line) for line in lines]

    class SubstituteExtension(Extension):
        """Replaces text in the page after pymdownx.snippets has included the files
        and before code blocks are formed, so a value computed at build time (the
        site's address, a Keras range) reaches an included block as plain text."""

        def __init__(self, name: str, replace, **kwargs) -> None:
            super().__init__(**kwargs)
            self.name, self.replace = name, replace

        def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
            # after pymdownx.snippets (32), before superfences' code blocks (25)
            md.preprocessors.register(_Substitute(md, self.replace), self.name, 31)

except ImportError:  # a matrix column's environment: no Markdown, no site
    pass
