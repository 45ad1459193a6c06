"""The docs machinery. Each decision is made in one module, which the others call; each
module's docstring says what it decides. LAYERS lists the modules from the ground up:
a module imports tools modules of lower layers only, at the top of its file, and
nothing but the standard library besides, so that a version column's interpreter can
run any of them (tests/test_structure.py holds them to it). `python -m tools --help`
lists the commands behind the Makefile targets."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

LAYERS = (
    ("snippets", "costs", "site"),  # a snippet; a block's limit; the built site
    ("includes", "execute", "atlas", "package"),  # Markdown; runs; atlas; the checker
    ("paste",),  # what a reader's folder holds: the block, the modules it may import
    ("pages", "verdicts"),  # the blocks a reader sees; what a run is worth
    ("outputs", "mutants", "elsewhere", "environments"),  # records; other interpreters
    ("numerics", "columns"),  # the numerics guard; the version columns
    ("records", "headlines", "crossing"),  # version records; headlines; saved models
    ("check", "matrix"),  # the contributor loop; `make matrix`
    ("__main__",),  # the commands
)
