// benchmarks/cli/mpi_shards.hpp: ScoreShards over MPI_COMM_WORLD: this rank and the size, the null
// maxima by MPI_Allreduce(MAX) and the per-target results gathered on rank 0 by MPI_Gatherv. Needs
// Open MPI (@mpi).
// Entry point: mpi_score_shards.
#pragma once

#include "benchmarks/cli/score_command.hpp"

namespace neuroscore::benchmarks {

// Call after MPI_Init.
ScoreShards mpi_score_shards();

}  // namespace neuroscore::benchmarks
