"""Finds Open MPI (Debian's libopenmpi-dev) for the optional MPI build of `neuroscore score`.

The repository @mpi always exists: with `mpicxx` on the PATH it holds a cc_library `:mpi` over the
include directories and libraries that `mpicxx --showme` names and defs.bzl says MPI_FOUND = True;
without, `:mpi` is empty and MPI_FOUND = False, so the default build never needs MPI; NEUROSCORE_MPI=off
turns it off where Open MPI is installed. Installing Open MPI later: `bazel sync --configure` (or a
new output base, as CI's fresh clones have).
"""

def _showme(ctx, mpicxx, what):
    result = ctx.execute([mpicxx, "--showme:" + what])
    if result.return_code != 0:
        return None
    return result.stdout.strip().split(" ") if result.stdout.strip() else []

def _mpi_configure_impl(ctx):
    # NEUROSCORE_MPI=off builds without MPI even where it is installed.
    mpicxx = None if ctx.os.environ.get("NEUROSCORE_MPI", "") == "off" else ctx.which("mpicxx")
    incdirs = _showme(ctx, mpicxx, "incdirs") if mpicxx else None
    libdirs = _showme(ctx, mpicxx, "libdirs") if mpicxx else None
    found = incdirs != None and libdirs != None and len(incdirs) > 0
    if found:
        found = ctx.path(incdirs[0] + "/mpi.h").exists
    if not found:
        ctx.file("BUILD.bazel", """# Open MPI was not found (no mpicxx on the PATH, or NEUROSCORE_MPI=off): the MPI build is off.
package(default_visibility = ["//visibility:public"])

cc_library(name = "mpi")
""")
        ctx.file("defs.bzl", "MPI_FOUND = False\nMPIRUN = \"\"\n")
        return

    # The headers, linked into the repository so the sandbox sees them as declared inputs.
    includes = []
    for i, d in enumerate(incdirs):
        ctx.symlink(d, "include%d" % i)
        includes.append("include%d" % i)
    linkopts = ["-L" + d for d in libdirs] + ["-Wl,-rpath," + d for d in libdirs] + ["-lmpi"]
    ctx.file("BUILD.bazel", """# Open MPI, found through {mpicxx}.
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "mpi",
    hdrs = glob([{globs}]),
    includes = {includes},
    # The C API only: without these, mpi.h pulls in the deprecated C++ bindings (libmpi_cxx).
    defines = ["OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1"],
    linkopts = {linkopts},
)
""".format(
        mpicxx = mpicxx,
        globs = ", ".join(['"%s/**/*.h"' % i for i in includes]),
        includes = repr(includes),
        linkopts = repr(linkopts),
    ))
    mpirun = ctx.which("mpirun")
    ctx.file("defs.bzl", "MPI_FOUND = True\nMPIRUN = \"%s\"\n" % (mpirun if mpirun else ""))

mpi_configure = repository_rule(
    implementation = _mpi_configure_impl,
    environ = ["PATH", "NEUROSCORE_MPI"],
    configure = True,
    local = True,
)
