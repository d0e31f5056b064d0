// RidgeAlphaScan (ridge_cv.hpp): the alpha search of cross-validated ridge on its own scores every
// alpha exactly as fit_ridge does to choose one (the same code: bit for bit, double and float).
#include "neuroscore/ridge_cv.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/io/expect_error.hpp"
#include "tests/testing/gaussian.hpp"

namespace ns = neuroscore;

using neuroscore::testing::gaussian;

TEST(RidgeAlphaScan, MeanR2IsFitRidgesCvTableBitForBit) {
  const Eigen::MatrixXd x = gaussian(80, 6, 1);
  const Eigen::MatrixXd y = x * gaussian(6, 5, 2) + gaussian(80, 5, 3);
  const auto cv = ns::contiguous_kfold(80, 4, ns::Gap{2});
  ns::RidgeCvOptions options;
  options.alphas = {100.0, 0.1, 1.0, 10.0, 1.0};  // unsorted, a duplicate: the grid sorts and dedups
  const ns::RidgeFit fit = ns::fit_ridge(x, y, cv, options);
  ns::RidgeAlphaScan<double> scan(x, cv, options);
  EXPECT_EQ(scan.alphas(), fit.alphas);
  const Eigen::MatrixXd r2 = scan.mean_r2(y);
  ASSERT_EQ(r2.rows(), 4);
  ASSERT_EQ(r2.cols(), 5);
  EXPECT_TRUE(r2 == fit.cv_r2);
  scan.reserve(5);
  EXPECT_TRUE(scan.mean_r2(y) == fit.cv_r2);  // reused buffers: the same bits again
  // A one-target-at-a-time byte budget: the same scores up to rounding (a one-column batch goes
  // through Eigen's matrix-vector product, not GEMM, which sums in another order: 1e-12 is about
  // 10^4 ulps of an R^2 near 1, as cross_validated_ridge's batch test allows).
  options.max_batch_bytes = 1;
  ns::RidgeAlphaScan<double> narrow(x, cv, options);
  EXPECT_LT((narrow.mean_r2(y) - fit.cv_r2).cwiseAbs().maxCoeff(), 1e-12);

  const Eigen::MatrixXf xf = x.cast<float>(), yf = y.cast<float>();
  options.max_batch_bytes = std::size_t{1} << 30;
  ns::RidgeAlphaScan<float> scan_f(xf, cv, options);
  EXPECT_TRUE(scan_f.mean_r2(yf) == ns::fit_ridge(xf, yf, cv, options).cv_r2);
}

TEST(RidgeAlphaScan, BadInputGivesClearErrors) {
  const Eigen::MatrixXd x = gaussian(40, 3, 4);
  const auto cv = ns::contiguous_kfold(40, 4);
  const auto message = [](auto&& f) { return ns::testing::error_message<std::invalid_argument>(f); };
  ns::RidgeCvOptions negative;
  negative.alphas = {1.0, -1.0};
  EXPECT_EQ(message([&] { ns::RidgeAlphaScan<double>(x, cv, negative); }),
            "RidgeAlphaScan: alpha -1.000000 is not a finite non-negative number");
  std::vector<ns::Fold> outside = cv;
  outside[2].test.push_back(40);
  EXPECT_EQ(message([&] { ns::RidgeAlphaScan<double>(x, outside); }),
            "RidgeAlphaScan: fold 2 names sample 40 but there are 40");
  std::vector<ns::Fold> untrained = cv;
  untrained[1].train.clear();
  EXPECT_EQ(message([&] { ns::RidgeAlphaScan<double>(x, untrained); }), "RidgeAlphaScan: fold 1 has no training samples");
  ns::RidgeAlphaScan<double> scan(x, cv);
  EXPECT_EQ(message([&] { scan.mean_r2(gaussian(39, 2, 5)); }), "RidgeAlphaScan: X has 40 samples but Y has 39");
  Eigen::MatrixXd nan = gaussian(40, 2, 6);
  nan(3, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(message([&] { scan.mean_r2(nan); }).find("Y has a non-finite value"), std::string::npos);
}
