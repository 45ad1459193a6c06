"""The docs machinery. Each decision is made in one module, which the others call:

* `tools.includes` how a page refers to snippets: `--8<--` includes and the one-line
  example / pair markers (read by the pages reader, the records and the hooks);
* `tools.twins`    what a Keras 2 twin is, and which flavour a snippet is written for;
* `tools.pages`    reads pages as a reader sees them and collects their code blocks; its
  `Collection.snippets()` decides which block stands for a snippet (runs nothing);
* `tools.costs`    how long a block may run: its recorded cost (tests/block-costs.json)
  times a multiple, never under a floor; the same figures order the runs;
* `tools.execute`  runs blocks in forks of one warm interpreter, or in another
  interpreter (`run_elsewhere`, `python -m tools run-blocks`), and judges a run against
  its recorded output (`verdict`); writes no file;
* `tools.records`  writes what is generated: the `.out` records and the Keras 2 twins
  (the only writer of snippets/);
* `tools.site`     builds, serves and opens the site (shared by tests and bench);
* `tools.mutants`, `tools.numerics` guards built on `execute` (mutants keeps what it
  found in versions/mutants.json, recalled while a snippet is unchanged; numerics says
  how `make test` runs its blocks, `suite`);
  `tools.matrix` the version columns and their records; `tools.atlas` the atlas's
  cells; `tools.headlines` the side table of headline statements; `tools.check` the
  contributor loop.

`python -m tools --help` lists the commands behind the Makefile targets."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
