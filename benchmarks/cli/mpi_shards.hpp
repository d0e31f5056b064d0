// ScoreShards over MPI_COMM_WORLD: this rank and the size, the null maxima by MPI_Allreduce(MAX)
// and the per-target results gathered on rank 0 by MPI_Gatherv. Needs Open MPI (@mpi).
// Entry point: mpi_score_shards.
#pragma once

#include <mpi.h>

#include <Eigen/Core>
#include <vector>

#include "benchmarks/cli/score_command.hpp"

namespace neuroscore::benchmarks {

// Call after MPI_Init.
inline ScoreShards mpi_score_shards() {
  ScoreShards s;
  MPI_Comm_rank(MPI_COMM_WORLD, &s.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &s.size);
  s.max_over_ranks = [](Eigen::VectorXd& v) {
    MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  };
  s.gather = [size = s.size, rank = s.rank](const Eigen::VectorXd& mine) {
    int count = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
    MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    int total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      offsets[r] = total;
      total += counts[r];
    }
    Eigen::VectorXd all(rank == 0 ? total : 0);
    MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return all;
  };
  return s;
}

}  // namespace neuroscore::benchmarks
