"""neuroscore_deps(): every external repository neuroscore's BUILD files need, declared once.

Bazel 4.2.3 offline: bazel_tools asks for rules_cc, rules_java and remote_coverage_tools, and the
library's targets depend on system libraries through @debian (third_party/debian.BUILD). This
repository's WORKSPACE calls the macro, and so does a consumer's, after a local_repository named
neuroscore:

    local_repository(name = "neuroscore", path = "/path/to/neuroscore")
    load("@neuroscore//:neuroscore_deps.bzl", "neuroscore_deps")
    neuroscore_deps()

The stand-ins live in this repository (third_party/), so they are named with Label(), which
resolves against the repository of this file: //third_party/... here, @neuroscore//third_party/...
from a consumer. local_repository takes only a file system path, relative to the *calling*
workspace, so the stand-ins are made by _label_directory, which links the directory that holds a
labelled file. A repository the caller already declared is left alone (a newer rules_cc, say).
"""

def _label_directory_impl(ctx):
    # The directory of `marker`, linked entry by entry (what local_repository does with a path).
    for entry in ctx.path(ctx.attr.marker).dirname.readdir():
        ctx.symlink(entry, entry.basename)

_label_directory = repository_rule(
    implementation = _label_directory_impl,
    attrs = {"marker": attr.label(mandatory = True, allow_single_file = True)},
    local = True,
)

def _maybe(repo_rule, name, **kwargs):
    if name not in native.existing_rules():
        repo_rule(name = name, **kwargs)

def neuroscore_deps():
    # Stand-ins in third_party/: rules_cc (Debian's bazel-rules-cc is too new for Bazel 4.2.3;
    # its macros forward to the native rules) and remote_coverage_tools (empty filegroups:
    # coverage is not used offline).
    for stand_in in ["rules_cc", "remote_coverage_tools"]:
        _maybe(_label_directory, stand_in, marker = Label("//third_party/%s:WORKSPACE" % stand_in))
    _maybe(native.local_repository, "rules_java", path = "/usr/share/bazel/rules/java")  # bazel-rules-java

    # All system libraries live under /usr; third_party/debian.BUILD declares one target per
    # library with its headers, so the sandbox sees exactly what each target declares.
    _maybe(native.new_local_repository, "debian", build_file = str(Label("//third_party:debian.BUILD")), path = "/usr")
