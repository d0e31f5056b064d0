"""The Python block of python/README.md runs as written (its own asserts included)."""
import os
import re


def test_readme_example_runs():
    path = os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"], "python", "README.md")
    with open(path, encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)
    assert len(blocks) == 1, f"expected one python block in README.md, found {len(blocks)}"
    exec(compile(blocks[0], "python/README.md", "exec"), {"__name__": "readme"})
