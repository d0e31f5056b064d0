// reproductions/harness_test.cc: the registry reader refuses malformed rows with the file, row and
// column in the message, and the check fails when a verdict or a number drifts from the registry.
#include "reproductions/harness.hpp"

#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include <fstream>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::reproductions {
namespace {

std::filesystem::path write_registry(const std::string& name, const std::string& rows) {
  const std::filesystem::path p = testing::scratch_dir(name) / "claims.tsv";
  std::ofstream(p) << "id\tpaper\tfigure\tstatement\tdataset\tmodel\tstatistic\tthreshold\texpectation\trationale\t"
                      "value\tci_low\tci_high\tp\trule_commit\texpectation_set\thistory\tcontrol_calibration\n"
                   << rows;
  return p;
}

TEST(Registry, ReadsRows) {
  const auto p = write_registry("ok", "X1\tP\tFig 1\ts\td\tm\tstat\tp < 0.05\treplicated\twhy\t0.5\t0.1\t0.9\t0.01\t45f47c2\twith_first_run\tnone\tnone\n");
  const auto rows = load_registry(p);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, "X1");
  EXPECT_EQ(rows[0].expectation, Verdict::replicated);
  EXPECT_DOUBLE_EQ(rows[0].ci_high, 0.9);
}

TEST(Registry, BadNumberNamesRowAndColumn) {
  const auto p = write_registry("bad_number", "X1\tP\tF\ts\td\tm\tstat\tt\treplicated\twhy\t0.5x\t0\t1\t0\t45f47c2\twith_first_run\tnone\tnone\n");
  try {
    load_registry(p);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 2 column value"), std::string::npos) << e.what();
  }
}

TEST(Registry, BadVerdict) {
  const auto p = write_registry("bad_verdict", "X1\tP\tF\ts\td\tm\tstat\tt\tmaybe\twhy\t0\t0\t1\t0\t45f47c2\twith_first_run\tnone\tnone\n");
  EXPECT_THROW(load_registry(p), std::invalid_argument);
}

TEST(Registry, ReadsProvenance) {
  const auto p = write_registry("provenance", "X1\tP\tF\ts\td\tm\tstat\tt\treversed\twhy\t0\t0\t1\t0\t41dbb8c\tafter_data\t"
                                              "re-set after the run\tpositive 9/10\n");
  const auto rows = load_registry(p);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].rule_commit, "41dbb8c");
  EXPECT_EQ(rows[0].expectation_set, ExpectationSet::after_data);
  EXPECT_EQ(rows[0].history, "re-set after the run");
  EXPECT_EQ(rows[0].control_calibration, "positive 9/10");
}

// Provenance that is not a commit hash or not one of the three moments is refused, naming it.
TEST(Registry, BadProvenance) {
  const auto commit = write_registry("bad_commit", "X1\tP\tF\ts\td\tm\tstat\tt\treplicated\twhy\t0\t0\t1\t0\tHEAD\t"
                                                   "with_first_run\tnone\tnone\n");
  EXPECT_NE(testing::error_message<std::invalid_argument>([&] { load_registry(commit); })
                .find("row 2 column rule_commit: 'HEAD' is not a commit hash"),
            std::string::npos);
  const auto moment = write_registry("bad_moment", "X1\tP\tF\ts\td\tm\tstat\tt\treplicated\twhy\t0\t0\t1\t0\t45f47c2\t"
                                                   "later\tnone\tnone\n");
  EXPECT_NE(testing::error_message<std::invalid_argument>([&] { load_registry(moment); }).find("expectation_set 'later'"),
            std::string::npos);
}

TEST(Check, FailsOnDrift) {
  RegisteredClaim reg;
  reg.id = "X1";
  reg.expectation = Verdict::replicated;
  reg.value = 0.5;
  ClaimResult r;
  r.claim = "X1";
  r.verdict = Verdict::replicated;
  r.value = 0.5;
  report_and_check(r, reg, {{"positive: planted", 1.0, 0.001, true}, {"negative: null", 0.0, 0.7, false}}, 1e-6);
  r.value = 0.6;
  EXPECT_NONFATAL_FAILURE(report_and_check(r, reg, {}, 1e-6), "value differs");
  r.value = 0.5;
  r.verdict = Verdict::not_replicated;
  EXPECT_NONFATAL_FAILURE(report_and_check(r, reg, {}, 1e-6), "differs from the registered expectation");
  r.verdict = Verdict::replicated;
  EXPECT_NONFATAL_FAILURE(report_and_check(r, reg, {{"positive: planted", 0.0, 0.9, false}}, 1e-6), "control");
}

}  // namespace
}  // namespace neuroscore::reproductions
