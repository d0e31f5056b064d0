// The explicit instantiations declared extern in eigen_instances.hpp.
#include "neuroscore/detail/eigen_instances.hpp"

template class Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>;
template Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>::SelfAdjointEigenSolver(const Eigen::EigenBase<Eigen::MatrixXd>&,
                                                                               int);
template Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>::compute(
    const Eigen::EigenBase<Eigen::MatrixXd>&, int);
