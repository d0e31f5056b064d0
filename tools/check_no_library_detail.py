#!/usr/bin/env python3
"""The neuroscore library keeps its private parts private: application code names none of them (first
rule), and no public library header defines any (second rule).

The library's private helpers live in namespace neuroscore::detail (and its io::detail,
datasets::detail, detail::simulation ...). Files outside the library (benchmarks/, extract/,
reproductions/, python/src/, examples/) must use public API only. They may define detail
namespaces of their own (benchmarks' detail::lbrun, detail::report ...); a `detail::NAME`
whose NAME is such an application namespace declared in the scanned files is theirs and allowed,
as is libtorch's at::detail. Tests under tests/ are not scanned: they test internals.

Second rule: inside the library, private helpers live in detail/ headers (neuroscore/detail/,
neuroscore/io/detail/, neuroscore/datasets/detail/), whose Bazel targets only the library and
//tests may depend on. A public header (any neuroscore/**/*.hpp not under a detail/ directory)
that opens a `namespace detail` block (or `namespace detail::NAME`, or `namespace X::detail`)
fails the check: move the block into a detail header and include it.

Usage: check_no_library_detail.py ROOT  (prints file:line: text for each use, exits 1 if any)
As //tools:no_library_detail_test (no ROOT) it reads the tree Bazel gives it from //:all_files,
as //tools:docs_paths_test does (examples/bazel/, another Bazel workspace, is not in it).
"""
import os
import pathlib
import re
import sys

SCANNED = ["benchmarks", "extract", "reproductions", "python/src", "examples"]
SUFFIXES = {".cc", ".hpp", ".h", ".cpp"}
# Fewer scanned files than this means the sources did not reach the check (a Bazel data
# dependency lost): fail rather than pass on nothing. 84 were scanned when this was written.
MIN_FILES = 60
OWN_NAMESPACE = re.compile(r"\bnamespace\s+detail::(\w+)")
OWN_PLAIN = re.compile(r"\bnamespace\s+detail\s*\{")
USE = re.compile(r"((?:\w+::)*)detail::(\w+)")
FOREIGN = {"at", "c10", "torch", "pybind11", "py"}  # other libraries' detail namespaces
# Any namespace declaration with a `detail` component: `namespace detail {`,
# `namespace detail::nifti {`, `namespace neuroscore::io::detail {`.
OPENS_DETAIL = re.compile(r"^\s*namespace\s+(?:\w+::)*detail\b")
# Fewer public headers than this means the library did not reach the check. 49 when written.
MIN_PUBLIC_HEADERS = 30


def files(root):
    for top in SCANNED:
        base = root / top
        if base.is_dir():
            yield from (p for p in sorted(base.rglob("*")) if p.suffix in SUFFIXES and p.is_file())


def public_headers(root):
    base = root / "neuroscore"
    if base.is_dir():
        yield from (p for p in sorted(base.rglob("*.hpp"))
                    if p.is_file() and "detail" not in p.relative_to(base).parts[:-1])


def public_detail_blocks(root):
    """file:line: text for each namespace detail block opened in a public library header."""
    headers = list(public_headers(root))
    bad = []
    for path in headers:
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OPENS_DETAIL.match(line.split("//", 1)[0]):
                bad.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    return headers, bad


def main(root):
    root = pathlib.Path(root)
    headers, in_public = public_detail_blocks(root)
    if len(headers) < MIN_PUBLIC_HEADERS:
        print(f"only {len(headers)} public headers under {root / 'neuroscore'}: the tree did not reach the check",
              file=sys.stderr)
        return 1
    for b in in_public:
        print(b)
    if in_public:
        offenders = sorted({b.split(":", 1)[0] for b in in_public})
        print(f"{len(offenders)} public header(s) open a namespace detail block ({len(in_public)} block(s)): "
              f"private helpers live in a detail/ header (neuroscore/detail/, neuroscore/io/detail/, "
              f"neuroscore/datasets/detail/) with its own restricted-visibility target, which the public "
              f"header includes", file=sys.stderr)
    sources = {p: p.read_text(errors="replace") for p in files(root)}
    own = {m.group(1) for text in sources.values() for m in OWN_NAMESPACE.finditer(text)}
    bad = []
    for path, text in sources.items():
        plain_own = bool(OWN_PLAIN.search(text))  # a file with its own `namespace detail {`
        for n, line in enumerate(text.splitlines(), 1):
            code = line.split("//", 1)[0]
            for m in USE.finditer(code):
                qual = m.group(1).rstrip(":").split("::")[-1] if m.group(1) else ""
                if qual in FOREIGN:
                    continue
                if qual in ("", "benchmarks") and m.group(2) in own:
                    continue  # the application's own detail::NAME namespace
                if qual == "" and plain_own:
                    continue  # the file's own detail namespace (e.g. mischler's model_series.hpp)
                bad.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
                break
    if len(sources) < MIN_FILES:
        print(f"only {len(sources)} source files under {root} ({', '.join(SCANNED)}): the tree did not "
              f"reach the check", file=sys.stderr)
        return 1
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} use(s) of the neuroscore library's detail namespace outside the library; "
              "use public API (add a documented public function to the library header)", file=sys.stderr)
        return 1
    if in_public:
        return 1
    print(f"no library detail:: outside the library ({len(sources)} files); no detail block in the "
          f"{len(headers)} public headers")
    return 0


def default_root():
    if "TEST_SRCDIR" in os.environ:  # under bazel test: the runfiles tree of //:all_files
        return os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"])
    return "."


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else default_root()))
