"""One header, one target, and a generated test that the header compiles on its own.

header_library(name, hdr, deps) declares the cc_library for one public header and a
cc_test `<name>_compiles_alone` whose only source includes that header (twice, to check
its guard) and which depends on nothing but the library: a missing #include or a missing
Bazel dependency in the header fails the build. all_headers_have_targets() fails loading
when a header in the package has no header_library, so no header escapes the check.
"""

load("@rules_cc//cc:defs.bzl", "cc_library", "cc_test")

def header_library(name, hdr, deps = [], visibility = None, **kwargs):
    cc_library(
        name = name,
        hdrs = [hdr],
        deps = deps,
        visibility = visibility,
        **kwargs
    )
    include = native.package_name() + "/" + hdr
    native.genrule(
        name = name + "_compiles_alone_src",
        outs = [name + "_compiles_alone.cc"],
        cmd = "printf '%s\\n' '#include \"{0}\"' '#include \"{0}\"' 'int main() {{ return 0; }}' > $@".format(include),
        visibility = ["//visibility:private"],
    )
    cc_test(
        name = name + "_compiles_alone",
        size = "small",
        srcs = [name + "_compiles_alone.cc"],
        deps = [":" + name],
        visibility = ["//visibility:private"],
    )

def all_headers_have_targets(exclude = []):
    """Call at the end of a BUILD file that uses header_library for every header."""
    declared = {}
    for rule in native.existing_rules().values():
        if rule["kind"] == "cc_library":
            for h in rule.get("hdrs", []):
                declared[h.split(":")[-1]] = True
    for hdr in native.glob(["**/*.hpp"], exclude = exclude):
        if hdr not in declared:
            fail("%s/%s has no header_library target" % (native.package_name(), hdr))
