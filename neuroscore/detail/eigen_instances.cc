// The explicit instantiations declared extern in eigen_instances.hpp.
#include "neuroscore/detail/eigen_instances.hpp"

template class Eigen::BDCSVD<Eigen::MatrixXd>;
template class Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>;
