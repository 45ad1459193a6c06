"""MkDocs hook: the one-line example markers (`<!-- example: <topic>/<name>.py -->`,
`<!-- pair: <topic>/<name>.py -->`) become the snippet blocks and their outputs before
pymdownx.snippets reads the includes. The expansion is tools/includes.py's, the same
function the runner's page reader uses, so the tests run exactly what a reader sees.

`{site_url}` in a page or an included file (the onboarding block) becomes the site's
address, `site_url` in mkdocs.yml: the one place it is set."""

from __future__ import annotations

import pathlib
import sys
from typing import Any

PROJECT = str(pathlib.Path(__file__).resolve().parent.parent)  # where tools/ is


def on_config(config: Any, **_: Any) -> Any:
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    from tools.includes import MarkerExtension, SubstituteExtension

    site_url = config["site_url"] or "/"
    config.markdown_extensions.append(MarkerExtension())
    config.markdown_extensions.append(
        SubstituteExtension("site_url", lambda line: line.replace(SITE_URL, site_url))
    )
    return config


SITE_URL = "{site_url}"
