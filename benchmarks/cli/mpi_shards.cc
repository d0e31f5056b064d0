// benchmarks/cli/mpi_shards.cc: mpi_score_shards (ScoreShards over MPI_COMM_WORLD).
#include "benchmarks/cli/mpi_shards.hpp"

#include <mpi.h>

#include <Eigen/Core>
#include <vector>

namespace neuroscore::benchmarks {

ScoreShards mpi_score_shards() {
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
