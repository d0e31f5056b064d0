// `neuroscore_mpi score ...` under mpirun: `neuroscore score` with the targets shared over the MPI
// ranks (benchmarks/cli/score_command.hpp, ScoreShards). Each rank reads only its own targets from the
// responses (.npy, HDF5, NIfTI), scores them with the same seeds as one process would, and the
// per-draw null maxima meet by MPI_Allreduce(MAX) and the per-target results by MPI_Gatherv on
// rank 0, which prints and writes the same table and maps as `neuroscore score`.
//   mpirun -np 4 bazel-bin/benchmarks/cli/neuroscore_mpi score --features X.npy --responses Y.h5:/y ...
#include <mpi.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/cli/mpi_shards.hpp"
#include "benchmarks/cli/score_command.hpp"

namespace {

namespace nb = neuroscore::benchmarks;

constexpr const char* kUsage = R"(usage: mpirun -np N neuroscore_mpi score [options of neuroscore score]

The targets of `neuroscore score` shared over N MPI ranks: see neuroscore score --help.
)";

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const nb::ScoreShards shards = nb::mpi_score_shards();
  const std::vector<std::string> args(argv + 1, argv + argc);
  int rc = 0;
  try {
    if (args.empty() || args[0] != "score") {
      if (shards.rank == 0) std::cerr << kUsage;
      rc = args.empty() || args[0] == "--help" || args[0] == "-h" ? 0 : 2;
    } else {
      rc = nb::score_main(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr, shards);
    }
  } catch (const std::exception& e) {
    // Every rank reads the same inputs, so a bad input fails on every rank; a rank that fails
    // alone would leave the others waiting in a collective, hence the abort.
    std::cerr << "neuroscore_mpi: rank " << shards.rank << ": error: " << e.what() << "\n" << std::flush;
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return rc;
}
