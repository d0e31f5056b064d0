"""Every file path and Bazel label a tracked Markdown file names exists (STYLE.md habit 22).

What counts, in every .md file of the repository (READMEs, docs/, reproductions/CLAIMS.md):

Bazel labels, anywhere in the text (prose, `code`, fenced blocks): `//pkg:target`, `//pkg`
(= `//pkg:pkg`), `//pkg/...`, `//...`, `//pkg:all`. Labels of other repositories (`@x//...`) and
relative ones (`:target`, whose package only the sentence around it gives) are not checked.
  - the package must have a BUILD or BUILD.bazel file (`/...`: the folder must hold one somewhere);
  - `:target` must be declared in that file as `name = "target"` (a textual check: targets made
    by a macro from a computed name are not seen), or be a file of the package (a source label
    such as `//:WORKSPACE`); `all`, `*` and `all-targets` only need the package, and so does an
    all-caps target, a placeholder the reader fills in (`//benchmarks/perf:NAME`).

File paths, only from these places:
  - markdown link and image targets `[..](x)`, relative to the Markdown file's folder;
  - each whitespace-separated word of a `code span` (quotes and trailing punctuation stripped)
    that contains a `/` and ends in `/`, or has a file extension, or starts with a top-level
    folder of the repository or a folder next to the Markdown file (so method names such as
    `control/word_rate` or `trained/...` are not paths); or that has no `/` and ends in a source
    extension (.hpp .h .cc .py .sh .bzl .bazel .md);
  - words outside code spans (prose and fenced blocks) that start with a top-level folder of the
    repository followed by `/` (`tools/setup.sh`), or bare words ending in .md (`DESIGN.md`).
A path exists if it is a file or folder relative to, in this order: the folder named by the
first cell of the table row it is in (the Layout table: `neuroscore/` | `split.hpp`), the
Markdown file's folder, the repository root. `*` and `<placeholder>` match anything (then at
least one file must match). A bare file name (no `/`) may also be a file of that name anywhere
in the repository: "`compare.hpp`" in prose is neuroscore/compare.hpp (a weaker check).

Not paths: URLs (`scheme://`), absolute paths (/usr/bin/python3, /tmp/...), `$VAR/...`, `~/...`,
`../...` (the data next to the repository), `./...`, flags (`--x=a/b`), words with `:` or `@`
(FILE.h5:/dataset, torch::...), and outputs: `results/...`, `RESULTS/...`, `bazel-*/...`.
Paths into the data root (first folder one of third_party/data/manifest.tsv's folders, e.g.
alice_brennan2016/words.TextGrid) must be a path or folder of that manifest instead.

Exceptions: ALLOWED below, each with its reason.

Why the tree comes from //:all_files: a test sees only its declared inputs, and a glob() cannot
cross into a subpackage, so the root filegroup lists the root's own files plus every package's
`all_files` filegroup (each a glob of that package). This keeps the test hermetic (Bazel reruns it
when any file changes, and only then) without handing it the source tree through an environment
variable. A new package must add its `all_files` to //:all_files; until it does, its labels are
reported as a missing package (with that hint) and its files as missing. The globs also see
untracked files of the work tree, so a README naming one passes here and fails in a fresh clone.
"""
import fnmatch
import os
import re
import sys
import unittest

# (markdown file, word) -> why it is not checked.
ALLOWED = {
    ("reproductions/features/README.md", "reproductions/features/<name>/manifest.json"):
        "a path in the runfiles of a test that depends on an lm_features target (a build output)",
    # The Bazel consumer examples/bazel is a workspace of its own, outside this one (.bazelignore),
    # so its files are not in //:all_files and its labels are not this workspace's;
    # tools/check_consumers.sh builds it, which is the check that it exists.
    ("README.md", "//:analysis"): "a label of the consumer workspace examples/bazel",
    ("README.md", "examples/bazel"): "the consumer workspace, outside this workspace",
    ("examples/README.md", "//:analysis"): "a label of the consumer workspace examples/bazel",
    ("examples/README.md", "examples/bazel"): "the consumer workspace, outside this workspace",
    ("examples/README.md", "bazel"): "the consumer workspace, outside this workspace",
    ("examples/README.md", "bazel/"): "the consumer workspace, outside this workspace",
    ("examples/README.md", "bazel/.bazelrc"): "a file of the consumer workspace, outside this workspace",
    # Add here, with the reason, only what cannot be written so that the rule above checks it.
}

SOURCE_EXTENSIONS = (".hpp", ".h", ".cc", ".cpp", ".py", ".sh", ".bzl", ".bazel", ".md")
OUTPUT_PREFIXES = ("results/", "RESULTS/", "bazel-")
WILDCARD_TARGETS = ("all", "*", "all-targets")

LABEL = re.compile(r"(?<![\w@:/.$-])//((?:[A-Za-z0-9_.+-]+/)*[A-Za-z0-9_.+-]+)?(/\.\.\.|:[A-Za-z0-9_./+*-]+)?")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")
SPAN = re.compile(r"(`+)(.+?)\1", re.S)
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*")  # NAME, DIR: a word the reader fills in


class Tree:
    """The repository's files (relative paths) and the folders that hold them."""

    def __init__(self, files, read):
        self.files = set(files)
        self.read = read  # relative path -> text
        self.dirs = {""}
        for f in self.files:
            parts = f.split("/")
            for i in range(1, len(parts)):
                self.dirs.add("/".join(parts[:i]))
        self.top = {f.split("/")[0] for f in self.files if "/" in f}
        self.basenames = {f.rsplit("/", 1)[-1] for f in self.files}
        self.data = set()
        if "third_party/data/manifest.tsv" in self.files:
            for line in self.read("third_party/data/manifest.tsv").splitlines()[1:]:
                path = line.split("\t")[0]
                parts = path.split("/")
                for i in range(1, len(parts) + 1):
                    self.data.add("/".join(parts[:i]))
        self.data_top = {d.split("/")[0] for d in self.data}

    def exists(self, path):
        path = path.rstrip("/")
        if "*" in path:
            return any(fnmatch.fnmatchcase(f, path) or fnmatch.fnmatchcase(f, path + "/*") for f in self.files)
        return path in self.files or path in self.dirs

    def build_file(self, pkg):
        for name in ("BUILD.bazel", "BUILD"):
            f = (pkg + "/" if pkg else "") + name
            if f in self.files:
                return f
        return None


def _join(folder, path):
    return os.path.normpath(os.path.join(folder, path)).replace(os.sep, "/") if folder else os.path.normpath(path)


def _strip(raw):
    """A word without the quotes and punctuation around it; `trained/...` keeps its dots."""
    word = raw.lstrip("\"'([{")
    while True:
        before = word
        word = word.rstrip("\"',;:)]}")
        if word.endswith(".") and not word.endswith("..."):
            word = word[:-1]
        if word == before:
            return word


def check_label(tree, pkg, suffix):
    """None if the label exists, else what is wrong."""
    pkg = pkg or ""
    if pkg == "..." or pkg.endswith("/..."):  # //... and //pkg/...
        pkg, suffix = pkg[:-3].rstrip("/"), "/..."
    if suffix == "/...":
        if pkg and pkg not in tree.dirs:
            return f"no folder {pkg}"
        if not any(f.startswith(pkg + "/" if pkg else "") and f.rsplit("/", 1)[-1] in ("BUILD", "BUILD.bazel") for f in tree.files):
            return f"no package under {pkg or 'the root'}"
        return None
    build = tree.build_file(pkg)
    if build is None:
        return f"no package {pkg or '(root)'}: no {pkg + '/' if pkg else ''}BUILD.bazel (a new package must add its all_files to //:all_files)"
    target = suffix[1:] if suffix else pkg.rsplit("/", 1)[-1]
    if target in WILDCARD_TARGETS or PLACEHOLDER.fullmatch(target):
        return None
    if re.search(r'\bname\s*=\s*"' + re.escape(target) + '"', tree.read(build)):
        return None
    if _join(pkg, target) in tree.files:
        return None
    return f"no target {target} in {build}"


def _is_path_word(tree, word, here, in_span):
    if not word or word.startswith(("-", "$", "~", "/", "../", "./", "#")) or "://" in word:
        return False
    if ":" in word or "@" in word or "=" in word or word.startswith(OUTPUT_PREFIXES):
        return False
    if "/" not in word:
        if word.startswith("."):  # `.cc` files: an extension, not a file
            return False
        return word.endswith(SOURCE_EXTENSIONS) if in_span else word.endswith(".md")
    first = word.split("/")[0]
    if PLACEHOLDER.fullmatch(first):  # PREFIX/include/...: a folder the reader fills in
        return False
    if first in tree.top or first in tree.data_top or (here and _join(here, first) in tree.dirs):
        return True
    if not in_span:
        return False
    return word.endswith("/") or re.search(r"\.[A-Za-z][A-Za-z0-9]*$", word.rsplit("/", 1)[-1]) is not None


def check_path(tree, word, here, row_folder):
    """None if the path exists, else what is wrong."""
    pattern = re.sub(r"<[^<>/]*>", "*", word)
    if pattern.split("/")[0] in tree.data_top and pattern.split("/")[0] not in tree.top:
        ok = pattern.rstrip("/") in tree.data or any(fnmatch.fnmatchcase(d, pattern) for d in tree.data)
        return None if ok else "not in third_party/data/manifest.tsv"
    for folder in (row_folder, here, ""):
        if folder is None:
            continue
        if tree.exists(_join(folder, pattern) if folder else pattern):
            return None
    if "/" not in pattern and pattern in tree.basenames:
        return None
    return "no such file or folder"


def _row_folder(tree, line):
    """The folder a table row's first cell names (`neuroscore/`), else None."""
    cells = line.strip().split("|")
    if not line.lstrip().startswith("|") or len(cells) <= 2:
        return None
    first = cells[1].strip().strip("`")
    return first.rstrip("/") if first.endswith("/") and tree.exists(first) else None


def extract(tree, md_path, text):
    """[(kind, word, problem)] for every label and path the Markdown text names; problem is None
    when it exists."""
    here = md_path.rsplit("/", 1)[0] if "/" in md_path else ""
    found = []
    for m in LABEL.finditer(text):
        if m.group(1) is None and m.group(2) is None:
            continue  # a C++ comment `// ...`, not a label
        found.append(("label", m.group(0), check_label(tree, m.group(1), m.group(2))))

    fences = [(m.start(), m.end()) for m in FENCE.finditer(text)]

    def in_fence(pos):
        return any(a <= pos < b for a, b in fences)

    for m in LINK.finditer(text):
        target = m.group(1).split("#")[0]
        if in_fence(m.start()) or not target or re.match(r"[a-z]+:", target):
            continue
        found.append(("link", target, None if tree.exists(_join(here, target)) else "no such file or folder"))

    def words_of(chunk, row_folder, in_span):
        for raw in LINK_TEXT.sub(r"\1", chunk).split():
            word = _strip(raw)
            if LABEL.fullmatch(word) or not _is_path_word(tree, word, here, in_span):
                continue
            found.append(("path", word, check_path(tree, word, here, row_folder)))

    # Code spans outside fenced blocks (a span may continue on the next line); the table row
    # folder comes from the line the span starts on.
    outside = list(text)
    for a, b in fences:
        outside[a:b] = " " * (b - a)
    outside = "".join(outside)
    prose = list(outside)
    for m in SPAN.finditer(outside):
        prose[m.start():m.end()] = " " * (m.end() - m.start())
        line = outside[outside.rfind("\n", 0, m.start()) + 1:outside.find("\n", m.start())]
        words_of(m.group(2), _row_folder(tree, line), in_span=True)
    pos = 0
    for line in "".join(prose).splitlines(keepends=True):
        words_of(line, _row_folder(tree, outside[pos:pos + len(line)]), in_span=False)
        pos += len(line)
    for a, b in fences:
        words_of(text[a:b], None, in_span=False)
    return found


def problems(tree, md_files):
    out = []
    for md in sorted(md_files):
        for kind, word, problem in extract(tree, md, tree.read(md)):
            if problem and (md, word) not in ALLOWED:
                out.append(f"{md}: {kind} `{word}`: {problem}")
    return out


def _runfiles_tree():
    root = os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"])
    files = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        rel = os.path.relpath(dirpath, root)
        if rel == "external" or rel.startswith("external" + os.sep):
            dirnames[:] = []
            continue
        for f in filenames:
            files.append(os.path.normpath(os.path.join(rel, f)).replace(os.sep, "/"))

    def read(rel):
        with open(os.path.join(root, rel), encoding="utf-8") as fh:
            return fh.read()

    return Tree(files, read)


class ExtractionTest(unittest.TestCase):
    """The checker on small strings: it finds what it should, and fails on made-up names."""

    def setUp(self):
        files = {
            "BUILD.bazel": 'exports_files(["WORKSPACE"])',
            "WORKSPACE": "",
            "tools/BUILD.bazel": 'sh_test(\n    name = "real_test",\n)',
            "tools/setup.sh": "",
            "neuroscore/BUILD.bazel": 'header_library(name = "split", hdr = "split.hpp")',
            "neuroscore/split.hpp": "",
            "neuroscore/io/BUILD.bazel": "",
            "neuroscore/io/nifti.hpp": "",
            "docs/README.md": "",
            "docs/fig.svg": "",
            "third_party/data/manifest.tsv": "path\tsha256\nalice/words.TextGrid\tx\n",
        }
        self.tree = Tree(files, lambda p: files[p])

    def names(self, text, md="README.md"):
        return {(kind, word): problem for kind, word, problem in extract(self.tree, md, text)}

    def test_existing_names_pass(self):
        found = self.names(
            "Run `bash tools/setup.sh` and `bazel test //tools:real_test //neuroscore/... //:WORKSPACE`;\n"
            "see `neuroscore/io/nifti.hpp`, [docs](docs/README.md), ![f](docs/fig.svg), data in\n"
            "`alice/words.TextGrid`.\n"
            "| `neuroscore/` | `split.hpp`, `io/` |\n"
            "```sh\nbash tools/setup.sh\nbazel build //neuroscore:split\n```\n")
        self.assertEqual({k: v for k, v in found.items() if v}, {})
        for key in [("path", "tools/setup.sh"), ("label", "//tools:real_test"), ("label", "//neuroscore/..."),
                    ("label", "//:WORKSPACE"), ("path", "neuroscore/io/nifti.hpp"), ("link", "docs/README.md"),
                    ("link", "docs/fig.svg"), ("path", "split.hpp"), ("path", "io/"), ("path", "alice/words.TextGrid"),
                    ("label", "//neuroscore:split")]:
            self.assertIn(key, found)

    def test_made_up_names_fail(self):
        found = self.names(
            "`neuroscore/io/fake.hpp`, `docs/x.svg`, [a](docs/missing.md), `//tools:no_such_test`,\n"
            "`//nopkg:x`, `//nopkg/...`, `made_up.hpp`, `alice/nope.txt`, see DESIGN.md,\n"
            "```sh\nbash tools/gone.sh\n```\n")
        for key in [("path", "neuroscore/io/fake.hpp"), ("path", "docs/x.svg"), ("link", "docs/missing.md"),
                    ("label", "//tools:no_such_test"), ("label", "//nopkg:x"), ("label", "//nopkg/..."),
                    ("path", "made_up.hpp"), ("path", "alice/nope.txt"), ("path", "DESIGN.md"),
                    ("path", "tools/gone.sh")]:
            self.assertIn(key, found)
            self.assertIsNotNone(found[key], key)

    def test_not_paths(self):
        found = self.names(
            "`results/leaderboard.csv`, `bazel-bin/benchmarks/x`, `$NEUROSCORE_DATA/a/b.npy`, `../shared/data`,\n"
            "`/usr/bin/python3`, `~/.cache/x`, `F.npy`, `control/word_rate`, `trained/...`, `FILE.h5:/group/dataset`,\n"
            "`--define=neuroscore_data=/path/to/data`, `@debian//:eigen`, https://example.org/a/b.md,\n"
            "`bazel run //tools:NAME`, `bazel test //... //tools/...`, `NAME_trained/...`,\n"
            "`PREFIX/include/neuroscore/`, `.cc` files,\n"
            "```cpp\nx = f(y);  // a comment, not a label\n```\n")
        self.assertEqual({k: v for k, v in found.items() if k[0] != "label"}, {})
        self.assertEqual({k: v for k, v in found.items() if v}, {})

    def test_span_over_two_lines_and_punctuation(self):
        found = self.names("(`bash\ntools/setup.sh` and see neuroscore/split.hpp). `tools/nope.sh`.\n")
        self.assertEqual(found, {("path", "tools/setup.sh"): None, ("path", "neuroscore/split.hpp"): None,
                                 ("path", "tools/nope.sh"): "no such file or folder"})


class TrackedMarkdownTest(unittest.TestCase):
    def test_every_named_path_and_label_exists(self):
        tree = _runfiles_tree()
        md_files = [f for f in tree.files if f.endswith(".md")]
        self.assertIn("README.md", md_files)
        self.assertGreater(len(md_files), 5, "the Markdown files did not reach the test (//:all_files)")
        bad = problems(tree, md_files)
        self.assertEqual(bad, [], "\n" + "\n".join(bad))

    def test_allow_list_is_used(self):
        tree = _runfiles_tree()
        named = {(md, word) for md in tree.files if md.endswith(".md") for _, word, _ in extract(tree, md, tree.read(md))}
        unused = [k for k in ALLOWED if k not in named]
        self.assertEqual(unused, [], "allow-list entries no Markdown file names any more")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
