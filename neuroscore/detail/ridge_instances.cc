// The instantiations detail/ridge_cv_impl.hpp declares extern when NEUROSCORE_EIGEN_INSTANCES is defined.
#include "neuroscore/detail/ridge_cv_impl.hpp"

namespace neuroscore::detail {
template RidgeCvResultOf<double> cross_validated_ridge_impl<double>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                                    const Eigen::Ref<const Eigen::MatrixXd>&,
                                                                    const std::vector<Fold>&, const RidgeCvOptions&,
                                                                    RidgeFoldCache<double>*);
template RidgeCvResultOf<float> cross_validated_ridge_impl<float>(const Eigen::Ref<const Eigen::MatrixXf>&,
                                                                  const Eigen::Ref<const Eigen::MatrixXf>&,
                                                                  const std::vector<Fold>&, const RidgeCvOptions&,
                                                                  RidgeFoldCache<float>*);
template RidgeFitOf<double> fit_ridge_impl<double>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                   const Eigen::Ref<const Eigen::MatrixXd>&, const std::vector<Fold>&,
                                                   const RidgeCvOptions&);
template RidgeFitOf<float> fit_ridge_impl<float>(const Eigen::Ref<const Eigen::MatrixXf>&,
                                                 const Eigen::Ref<const Eigen::MatrixXf>&, const std::vector<Fold>&,
                                                 const RidgeCvOptions&);
}  // namespace neuroscore::detail
