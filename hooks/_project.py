"""What the hooks share: the project root on sys.path, so that a hook imports tools/
(mkdocs loads a hook by its path, with only hooks/ on the path while it loads), and
`LinesExtension`, which rewrites a page's Markdown lines at a point of the pipeline."""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Callable

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

ROOT = str(pathlib.Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# where a LinesExtension runs: pymdownx.snippets includes files at priority 32
BEFORE_INCLUDES = 33  # the markers, expanded into include lines
AFTER_INCLUDES = 31  # values computed at build time, in included files too


class _Lines(Preprocessor):
    def __init__(self, md, rewrite: Callable[[list[str]], list[str]]) -> None:
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, lines: list[str]) -> list[str]:
        return self.rewrite(lines)


class LinesExtension(Extension):
    """Registers `rewrite(lines) -> lines` as a Markdown preprocessor at `priority`
    (BEFORE_INCLUDES or AFTER_INCLUDES; superfences forms code blocks at 25)."""

    def __init__(self, name: str, rewrite, priority: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.name, self.rewrite, self.priority = name, rewrite, priority

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(_Lines(md, self.rewrite), self.name, self.priority)
