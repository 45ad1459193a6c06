"""The docs machinery, in four parts that each do one thing:

* `tools.pages`   reads pages and snippets and collects the code blocks a reader sees
(never runs anything);
* `tools.execute` runs blocks in forks of one warm interpreter and judges their output
(writes no file but a timing memo in .cache/);
* `tools.records` writes what is generated: the `.out` records and the Keras 2 twins
(the only writer of snippets/);
* `tools.site`    builds, serves and opens the site (shared by tests and bench).

`tools.mutants` and `tools.numerics` are guards built on `execute`. `python -m tools
--help` lists the commands behind the Makefile targets."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
