"""One line of Markdown shows a snippet (or a Keras 3 / Keras 2 pair) with its output:
the site and the runner expand it the same way, into exactly the long form."""

import pathlib
import re
import textwrap

from tools import ROOT, includes, site
from tools.pages import collect
from tools.snippets import twin_source

TAB = """\
{fence} "{title}"

    ```python title="snippets/{path}.py"
    --8<-- "{path}.py"
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text title="Output"
    --8<-- "{path}.out"
    ```"""
LONG_PAIR = "\n\n".join(
    TAB.format(fence=fence, title=title, path=path)
    for fence, title, path in (
        ("===!", "Keras 3", "demo/claim"),  # a tab set of its own
        ("===", "Keras 2", "demo/keras2/claim"),
    )
)


def test_a_pair_marker_is_the_long_form():
    expanded = includes.expand(["<!-- pair: demo/claim.py -->"])
    assert "\n".join(text for text, _ in expanded) == LONG_PAIR
    assert {line for _, line in expanded} == {1}, "every line remembers the marker"


def test_an_indented_marker_keeps_its_indentation():
    expanded = includes.expand(["    <!-- example: demo/claim.py -->"])
    assert expanded[0] == ('    ```python title="snippets/demo/claim.py"', 1)
    assert expanded[3] == ("", 1), "blank lines stay blank"
    assert expanded[-2] == ('    --8<-- "demo/claim.out"', 1)


def site_with(tmp_path: pathlib.Path, page: str) -> pathlib.Path:
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "docs/index.md").write_text(page)
    demo = tmp_path / "snippets/demo"
    (demo / "keras2").mkdir(parents=True)
    (demo / "claim.py").write_text('"""A claim."""\nprint("ok")\n')
    (demo / "keras2/claim.py").write_text(twin_source(demo / "claim.py"))
    for folder in (demo, demo / "keras2"):
        (folder / "claim.out").write_text("ok\n")
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(f"""\
            site_name: Markers
            strict: true
            hooks:
              - {ROOT / "hooks/includes.py"}
            markdown_extensions:
              - pymdownx.superfences
              - pymdownx.tabbed:
                  alternate_style: true
              - pymdownx.snippets:
                  base_path: !relative $config_dir/snippets
                  check_paths: true
            """)
    )
    return tmp_path


def test_the_site_and_the_runner_see_the_long_form(tmp_path):
    short = site_with(tmp_path / "short", "# Page\n\n<!-- pair: demo/claim.py -->\n")
    long = site_with(tmp_path / "long", f"# Page\n\n{LONG_PAIR}\n")
    blocks = {
        name: [(b.code, b.snippet, b.expected) for b in collect(root).blocks]
        for name, root in (("short", short), ("long", long))
    }
    assert blocks["short"] == blocks["long"] and len(blocks["short"]) == 2
    unmarked = "marks no line"  # the demo marks none: the long form has no hl_lines
    assert [p for p in collect(short).problems if unmarked not in p] == []
    html = {}
    for name, root in (("short", short), ("long", long)):
        ok, log = site.build(root / "site", root)
        assert ok, log
        text = (root / "site/index.html").read_text()
        html[name] = re.sub(r"Build Date UTC : .*", "", text)  # the time of the build
    assert html["short"] == html["long"]
    assert 'print</span><span class="p">(</span><span class="s2">"ok"' in html["short"]
