// Tests of benchmarks/cli/flags.hpp, the command line's one number and list parser: the values each
// flag accepted before it (std::stoull / std::stod whole-value rules) are still accepted, bad
// values give one line naming the flag and the value.
#include "benchmarks/cli/flags.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli = neuroscore::cli;

namespace {

// The message of the std::invalid_argument that f throws ("" when it does not throw).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Flags, WholeNumbers) {
  EXPECT_EQ(cli::parse_count("--folds", "5"), 5u);
  EXPECT_EQ(cli::parse_count("--folds", "0"), 0u);
  EXPECT_EQ(cli::parse_count("--seed", "18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  // What std::stoull took whole before: leading blanks and a '+'.
  EXPECT_EQ(cli::parse_count("--folds", " 7"), 7u);
  EXPECT_EQ(cli::parse_count("--folds", "+7"), 7u);
  EXPECT_EQ(error_of([] { cli::parse_count("--folds", "x"); }), "--folds: 'x' is not a whole number");
  for (const std::string bad : {"", "1e3", "0x10", "-1", " -1", "1.5", "5 ", "inf", "nan", "18446744073709551616"}) {
    EXPECT_EQ(error_of([&] { cli::parse_count("--folds", bad); }), "--folds: '" + bad + "' is not a whole number") << bad;
  }
  EXPECT_EQ(error_of([] { cli::parse_count("--delays", "2147483648", 2147483647); }),
            "--delays: '2147483648' is not a whole number up to 2147483647");
}

TEST(Flags, PositiveWholeNumbers) {
  EXPECT_EQ(cli::parse_positive_count("--bootstrap", "1000"), 1000u);
  EXPECT_EQ(error_of([] { cli::parse_positive_count("--bootstrap", "0"); }), "--bootstrap: '0' is not a positive whole number");
  EXPECT_EQ(error_of([] { cli::parse_positive_count("--bootstrap", "-1"); }), "--bootstrap: '-1' is not a positive whole number");
}

TEST(Flags, WholeNumberLists) {
  EXPECT_EQ(cli::parse_count_list("--delays", "1,2,3,4"), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(cli::parse_count_list("--delays", "0"), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(error_of([] { cli::parse_count_list("--delays", "1,,2"); }), "--delays: '' in '1,,2' is not a whole number");
  EXPECT_EQ(error_of([] { cli::parse_count_list("--delays", "1,2,"); }), "--delays: '' in '1,2,' is not a whole number");
  EXPECT_EQ(error_of([] { cli::parse_count_list("--delays", ""); }), "--delays: '' is not a whole number");
  EXPECT_EQ(error_of([] { cli::parse_count_list("--delays", "1,-1"); }), "--delays: '-1' in '1,-1' is not a whole number");
  EXPECT_EQ(error_of([] { cli::parse_count_list("--delays", "1,1e3"); }), "--delays: '1e3' in '1,1e3' is not a whole number");
}

TEST(Flags, Bytes) {
  EXPECT_EQ(cli::parse_bytes("--memory-budget", "4096"), 4096u);
  EXPECT_EQ(cli::parse_bytes("--memory-budget", "2K"), 2048u);
  EXPECT_EQ(cli::parse_bytes("--memory-budget", "3m"), 3u << 20);
  EXPECT_EQ(cli::parse_bytes("--memory-budget", "2G"), std::size_t{2} << 30);
  for (const std::string bad : {"", "G", "2T", "-1G", "1.5G"}) {
    EXPECT_EQ(error_of([&] { cli::parse_bytes("--memory-budget", bad); }).rfind("--memory-budget: '" + bad + "' is not a number of bytes", 0), 0u)
        << bad;
  }
}

TEST(Flags, PositiveNumberLists) {
  EXPECT_EQ(cli::parse_positive_list("--alphas", "0.01,0.1,1,1e3"), (std::vector<double>{0.01, 0.1, 1.0, 1000.0}));
  EXPECT_EQ(cli::parse_positive_list("--alphas", "1e+06"), (std::vector<double>{1e6}));
  EXPECT_EQ(cli::parse_positive_list("--alphas", "0x10"), (std::vector<double>{16.0}));  // std::stod took it
  EXPECT_EQ(error_of([] { cli::parse_positive_list("--alphas", "1,,2"); }), "--alphas: '' in '1,,2' is not a positive number");
  EXPECT_EQ(error_of([] { cli::parse_positive_list("--alphas", "1,"); }), "--alphas: '' in '1,' is not a positive number");
  for (const std::string bad : {"", "0", "-1", "x", "inf", "nan", "-inf", "1e400", "1e-320", "1 2"}) {
    EXPECT_EQ(error_of([&] { cli::parse_positive_list("--alphas", bad); }), "--alphas: '" + bad + "' is not a positive number") << bad;
  }
}

TEST(Flags, FiniteNumbers) {
  EXPECT_EQ(cli::finite_number("0.5"), 0.5);
  EXPECT_EQ(cli::finite_number("-2"), -2.0);
  for (const std::string bad : {"", "inf", "nan", "1e400", "0.5x"}) EXPECT_FALSE(cli::finite_number(bad).has_value()) << bad;
}

TEST(Flags, Names) {
  EXPECT_EQ(cli::split_names("a,b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cli::split_names(",a,,b,"), (std::vector<std::string>{"a", "b"}));  // empty names skipped, as before
  EXPECT_TRUE(cli::split_names("").empty());
}

}  // namespace
