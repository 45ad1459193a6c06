"""MkDocs hook for the notebook page(s) that mkdocs-jupyter executes (docs/notebook.py):
a quiet Keras 3 kernel, a cache keyed on the environment as well as the notebook, the
.ipynb and .py downloads with their buttons, alt texts for the figures, and a check of
the page's relative links (mkdocs does not check links in mkdocs-jupyter's HTML).
`mkdocs serve` also watches the real folder behind a symlinked notebook."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import platform
import re
import sys
from html import escape
from typing import Any
from urllib.parse import urljoin, urlsplit

log = logging.getLogger("mkdocs.hooks.notebook")

# The kernel is a child of this process and inherits os.environ.
KERNEL_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow C++ logging: errors only
    # figures become image outputs: an inherited MPLBACKEND=Agg (tools/execute.py sets
    # one) would make plt.show() draw nothing, and the page would lose its plots
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
# TensorFlow writes some C++ lines to fd 2 while it loads whatever TF_CPP_MIN_LOG_LEVEL
# says, and ipykernel forwards fd-level output into the notebook: the kernel's own
# IPYTHONDIR profile sends it to the build log (Python output is still captured).
KERNEL_CONFIG = (
    "c.IPKernelApp.capture_fd_output = False  # written by hooks/notebook.py\n"
)
KERNEL_ENV_REMOVED = ("TF_USE_LEGACY_KERAS",)  # the notebook is about Keras 3
ENV_PREFIXES = (
    "TF_",
    "KERAS_",
    "CUDA_",
    "XLA_",
    "OMP_",
    "MKL_",
    "MPL",
    "PYTHONHASHSEED",
    "JUPYTER",
)
HOOK_VERSION = "3"  # bump when this hook changes what a notebook page contains
PLUGIN = "mkdocs-jupyter"


@functools.lru_cache(maxsize=1)
def environment_key() -> str:
    """A short hash of everything outside the notebook file that can change its executed
    outputs. mkdocs-jupyter keys its cache on the notebook's bytes and its own options
    only, so its cache_dir gets a sub-folder named after this key: outputs computed in
    another environment are never served."""
    parts = [
        f"hook={HOOK_VERSION}",
        f"python={sys.version}",
        f"platform={platform.system()}-{platform.machine()}",
    ]
    parts += sorted(
        f"dist={(dist.metadata['Name'] or '?').lower()}=={dist.version}"
        for dist in importlib.metadata.distributions()
    )
    parts += sorted(
        f"env={k}={v}" for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def on_config(config: Any, **_: Any) -> Any:
    plugin = config.plugins.get(PLUGIN)
    if plugin is None:
        return config
    for name in KERNEL_ENV_REMOVED:
        os.environ.pop(name, None)
    os.environ.update(KERNEL_ENV)
    base = plugin.config["cache_dir"]
    if not os.path.isabs(base):  # relative to mkdocs.yml, not the working directory
        base = os.path.join(os.path.dirname(config.config_file_path), base)
    profile = os.path.join(base, "ipython", "profile_default")
    os.makedirs(profile, exist_ok=True)
    kernel_config = os.path.join(profile, "ipython_kernel_config.py")
    if (
        not os.path.exists(kernel_config)
        or open(kernel_config, encoding="utf-8").read() != KERNEL_CONFIG
    ):
        with open(kernel_config, "w", encoding="utf-8") as f:
            f.write(KERNEL_CONFIG)
    os.environ["IPYTHONDIR"] = os.path.dirname(profile)
    # environment_key() reads os.environ after the updates above: the key describes the
    # kernel's environment.
    plugin.config["cache_dir"] = os.path.join(base, f"env-{environment_key()}")
    log.debug("mkdocs-jupyter cache folder: %s", plugin.config["cache_dir"])
    return config


def _is_notebook(page: Any) -> bool:
    return (
        getattr(page, "nb_url", None) is not None
    )  # set by mkdocs-jupyter for the pages it renders


def _stem(page: Any) -> str:
    return os.path.splitext(os.path.basename(os.path.realpath(page.file.abs_src_path)))[
        0
    ]


GENERIC_ALT = 'alt="No description has been provided for this image"'


def _add_alt_texts(html: str, page: Any) -> str:
    """Each figure cell declares its alt text in its header (`# %% alt="..."`); the
    page's images get them in order instead of nbconvert's generic text. A count that
    differs is a warning (an error in a strict build): a lost plot fails the build."""
    import jupytext

    nb = jupytext.read(os.path.realpath(page.file.abs_src_path))
    alts = [cell.metadata["alt"] for cell in nb.cells if "alt" in cell.metadata]
    found = html.count(GENERIC_ALT)
    if found != len(alts):
        log.warning(
            "Notebook page '%s' shows %d image(s) but its cells declare %d alt text(s) "
            '(a figure was lost, or a figure cell lacks `# %%%% alt="..."`).',
            page.file.src_uri,
            found,
            len(alts),
        )
    for alt in alts:
        html = html.replace(GENERIC_ALT, f'alt="{escape(alt)}"', 1)
    return html


# the notebook retells every topic: search ranks it below the page that teaches each one
SEARCH_BOOST = 0.5


def on_page_content(html: str, *, page: Any, config: Any, files: Any) -> str:
    if not _is_notebook(page):
        return html
    page.meta["search"] = {"boost": SEARCH_BOOST}  # read by Material's search plugin
    html = _add_alt_texts(html, page)
    known = {f.url for f in files}
    for href in re.findall(r'<a\s[^>]*?href="([^"]*)"', html):
        if href.startswith(("#", "mailto:", "data:")) or urlsplit(href).scheme:
            continue
        target = urlsplit(urljoin("http://site/" + page.url, href)).path.lstrip("/")
        if target not in known and target.rstrip("/") + "/" not in known:
            log.warning(
                "Notebook page '%s' links to '%s', which is not part of the site.",
                page.file.src_uri,
                href,
            )
    stem = _stem(page)
    buttons = (
        f'<p class="notebook-download">'
        f'<a class="md-button md-button--primary" href="{stem}.ipynb" download>'
        "Download the notebook (.ipynb)</a> "
        f'<a class="md-button" href="{stem}.py" download>'
        "Download as a script (.py)</a></p>"
    )
    html, count = re.subn(r"</h1>", "</h1>\n" + buttons, html, count=1)
    return html if count else buttons + html


def _absolute_links(text: str, base: str) -> str:
    def fix(match: re.Match) -> str:
        href = match.group(2)
        if href.startswith("#") or urlsplit(href).scheme:
            return match.group(0)
        return f"{match.group(1)}({urljoin(base, href)})"

    return re.sub(r"(\[[^\]]*\])\(([^)\s]+)\)", fix, text)


def on_post_page(output: str, *, page: Any, config: Any) -> str:
    """<name>.ipynb (jupytext's conversion, without outputs, links made absolute with
    site_url) and <name>.py beside the page: mkdocs-jupyter's include_source copies
    only the source, and Material shows no button for it without an override."""
    if not _is_notebook(page):
        return output
    import jupytext

    src = os.path.realpath(page.file.abs_src_path)
    target_dir = os.path.dirname(page.file.abs_dest_path)
    os.makedirs(target_dir, exist_ok=True)
    stem = _stem(page)
    nb = jupytext.read(src)
    nb.metadata.pop("jupytext", None)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"  # stable ids: the same source gives the same file
        if cell.cell_type == "markdown" and config.site_url:
            cell.source = _absolute_links(
                cell.source, urljoin(config.site_url, page.url)
            )
    with open(os.path.join(target_dir, f"{stem}.ipynb"), "w", encoding="utf-8") as f:
        f.write(jupytext.writes(nb, fmt="ipynb"))
    with (
        open(src, "rb") as source,
        open(os.path.join(target_dir, f"{stem}.py"), "wb") as f,
    ):
        f.write(source.read())
    return output


def on_serve(server: Any, *, config: Any, builder: Any) -> Any:
    docs = config.docs_dir
    for root, _, names in os.walk(docs):
        for name in names:
            path = os.path.join(root, name)
            if os.path.islink(path) and name.endswith((".py", ".ipynb")):
                real_dir = os.path.dirname(os.path.realpath(path))
                if not os.path.commonpath(
                    [real_dir, os.path.realpath(docs)]
                ) == os.path.realpath(docs):
                    server.watch(real_dir)
    return server
