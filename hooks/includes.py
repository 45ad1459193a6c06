"""MkDocs hook: the one-line example markers become the snippet blocks and their outputs
before pymdownx.snippets reads the includes (tools.includes.expand, the function the
page reader uses, so the tests run exactly what a reader sees); `{site_url}` in a page
or an included file becomes `site_url` from mkdocs.yml, the one place it is set."""

from __future__ import annotations

from typing import Any

import _project

from tools.includes import expand

SITE_URL = "{site_url}"


def on_config(config: Any, **_: Any) -> Any:
    site_url = config["site_url"] or "/"
    config.markdown_extensions.append(
        _project.LinesExtension(
            "snippet_markers",
            lambda lines: [text for text, _ in expand(lines)],
            _project.BEFORE_INCLUDES,
        )
    )
    config.markdown_extensions.append(
        _project.LinesExtension(
            "site_url",
            lambda lines: [line.replace(SITE_URL, site_url) for line in lines],
            _project.AFTER_INCLUDES,
        )
    )
    return config
