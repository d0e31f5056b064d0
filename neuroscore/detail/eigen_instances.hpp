// The dense decomposition the library uses, compiled once instead of in every translation unit
// (a build-time matter only; the numbers are the same either way).
//
// Eigen::SelfAdjointEigenSolver<MatrixXd> (RidgeDecomposition: every ridge fit, the refit null and
// banded ridge) is a class template; a header-only library instantiates it again in every
// translation unit that includes ridge.hpp, even one that never fits a ridge. Measured with GCC 12 at -O0 on this
// machine: ridge.hpp alone took 53 s to compile, 17 s with the declarations below; a TU that
// only instantiates BDCSVD<MatrixXd> takes 38 s, one with SelfAdjointEigenSolver 10 s.
//
// With NEUROSCORE_EIGEN_INSTANCES defined (the Bazel target //neuroscore:detail_eigen_instances
// defines it for its dependents and compiles eigen_instances.cc), the header declares the
// instantiations extern and eigen_instances.cc provides them. Without it, nothing changes:
// the library stays header-only for a user who copies the headers into another build.
#ifndef NEUROSCORE_DETAIL_EIGEN_INSTANCES_HPP_
#define NEUROSCORE_DETAIL_EIGEN_INSTANCES_HPP_

#include <Eigen/Dense>

#ifdef NEUROSCORE_EIGEN_INSTANCES
extern template class Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>;
// `extern template class` does not cover member templates: SelfAdjointEigenSolver's constructor
// from a matrix and compute() are templates on the input type, and they hold the
// tridiagonalization and the Householder products (clang -ftime-trace on a TU that only includes
// ridge.hpp: 2.6 of its 6.1 s). Declared extern for a MatrixXd input, the only one used.
extern template Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>::SelfAdjointEigenSolver(
    const Eigen::EigenBase<Eigen::MatrixXd>&, int);
extern template Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>&
Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>::compute(const Eigen::EigenBase<Eigen::MatrixXd>&, int);
#endif

#endif  // NEUROSCORE_DETAIL_EIGEN_INSTANCES_HPP_
