"""README's dependency graph is the build's (issue 27 item 2, STYLE.md habits 18 and 22).

README.md's section "Dependency graph" draws the packages as boxes in a ```mermaid block, one
`A --> B` line per arrow. This test reads every BUILD.bazel file of the repository (from
//:all_files, like //tools:docs_paths_test), collapses each package to its box (BOXES below:
the longest matching prefix), and collects every label a BUILD file names (`"//pkg:t"`, `"//pkg"`)
as an arrow from the file's box to the label's box. It fails when

  - the build has an arrow the picture lacks (a new dependency nobody drew: draw it, or remove it);
  - the picture has an arrow the build lacks (a stale picture);
  - the picture has a cycle (arrows must go one way);
  - the CLI box has an incoming arrow (nothing but tests may depend on the command line).

tests/, tools/, third_party/ and the root package are not boxes: tests may depend on anything,
the others hold build machinery. examples/ is another Bazel workspace (.bazelignore).
"""
import os
import re
import sys

# Package prefix -> box name as drawn in README (mermaid node ids may not contain '/').
BOXES = [
    ("neuroscore/io", "io"),
    ("neuroscore/datasets", "datasets"),
    ("neuroscore", "core"),
    ("extract", "extract"),
    ("benchmarks/brain", "brain"),
    ("benchmarks/cli", "cli"),
    ("benchmarks/perf", "perf"),
    ("reproductions", "reproductions"),
    ("python", "python"),
]
CLI = "cli"


def box_of(package):
    for prefix, box in BOXES:
        if package == prefix or package.startswith(prefix + "/"):
            return box
    return None


def build_edges(root):
    edges = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith("bazel-") and d != "examples"]
        if "BUILD.bazel" not in filenames and "BUILD" not in filenames:
            continue
        name = "BUILD.bazel" if "BUILD.bazel" in filenames else "BUILD"
        package = os.path.relpath(dirpath, root).replace(os.sep, "/")
        source = box_of(package)
        if source is None:
            continue
        text = open(os.path.join(dirpath, name), encoding="utf-8").read()
        for m in re.finditer(r'"//([A-Za-z0-9_./-]*)[:"]', text):
            target = box_of(m.group(1))
            if target is not None and target != source:
                edges.setdefault((source, target), f"{package}/{name}")
    return edges


def drawn_edges(readme_text):
    section = re.search(r"^### Dependency graph\n(.*?)(?=^#)", readme_text, re.S | re.M)
    if not section:
        sys.exit("README.md has no '### Dependency graph' section")
    block = re.search(r"```mermaid\n(.*?)```", section.group(1), re.S)
    if not block:
        sys.exit("README.md's dependency graph has no ```mermaid block")
    edges = set()
    for line in block.group(1).splitlines():
        m = re.match(r'\s*(\w+)(?:\[[^\]]*\])?\s*-->\s*(\w+)(?:\[[^\]]*\])?\s*$', line)
        if m:
            edges.add((m.group(1), m.group(2)))
    return edges


def find_cycle(edges):
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state = {}

    def visit(node, path):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for node in list(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def check(root):
    problems = []
    built = build_edges(root)
    drawn = drawn_edges(open(os.path.join(root, "README.md"), encoding="utf-8").read())
    known = {box for _, box in BOXES}
    for a, b in sorted(drawn):
        for node in (a, b):
            if node not in known:
                problems.append(f"README.md dependency graph: unknown box '{node}' (boxes: {', '.join(sorted(known))})")
    for (a, b), where in sorted(built.items()):
        if (a, b) not in drawn:
            problems.append(f"{where}: depends on box '{b}' from box '{a}', an arrow README.md's dependency graph does not draw")
    for a, b in sorted(drawn - set(built)):
        problems.append(f"README.md dependency graph: arrow {a} --> {b}, but no BUILD file of '{a}' names a target of '{b}'")
    cycle = find_cycle(drawn)
    if cycle:
        problems.append("README.md dependency graph: cycle " + " --> ".join(cycle))
    for a, b in sorted(drawn | set(built)):
        if b == CLI:
            problems.append(f"box '{a}' depends on the command line ('{CLI}'): only tests may")
    return problems


def main():
    if len(sys.argv) > 1:
        root = sys.argv[1]
    else:
        root = os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"])
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("dependency graph: README.md draws every package-level dependency of the build, one way")


if __name__ == "__main__":
    main()
