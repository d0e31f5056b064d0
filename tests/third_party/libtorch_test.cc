// Proves the libtorch target compiles, links and runs autograd on the CPU.
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/types.h>

TEST(Libtorch, MatmulAndGradient) {
  torch::Tensor x = torch::tensor({1.0, 2.0, 3.0}, torch::requires_grad());
  torch::Tensor y = (x * x).sum();
  y.backward();
  EXPECT_DOUBLE_EQ(y.item<double>(), 14.0);
  EXPECT_TRUE(torch::allclose(x.grad(), torch::tensor({2.0, 4.0, 6.0})));
}
