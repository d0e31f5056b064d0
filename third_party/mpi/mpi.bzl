"""Targets that exist only when Open MPI is installed (@mpi//:defs.bzl says MPI_FOUND).

mpi_cc_binary: a cc_binary, or nothing without MPI.
mpi_sh_test: an sh_test, or without MPI a test that passes and says it skipped because Open MPI is
not installed (tools/setup.sh installs it, so CI runs the real test).
"""

load("@mpi//:defs.bzl", "MPIRUN", "MPI_FOUND")

def mpi_cc_binary(**kwargs):
    if MPI_FOUND:
        native.cc_binary(**kwargs)

def mpi_sh_test(name, srcs, data = [], args = [], env = {}, **kwargs):
    if MPI_FOUND:
        native.sh_test(
            name = name,
            srcs = srcs,
            data = data,
            args = args,
            env = dict(env, MPIRUN = MPIRUN),
            **kwargs
        )
    else:
        native.sh_test(
            name = name,
            srcs = ["//third_party/mpi:skip.sh"],
            args = ["Open MPI is not installed (no mpicxx on the PATH) or NEUROSCORE_MPI=off: apt-get install libopenmpi-dev openmpi-bin, then bazel sync --configure"],
            **kwargs
        )
