// Tests of neuroscore/io/events.hpp: BIDS events files read as timed words, exactly as written.
#include "neuroscore/io/events.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace {

namespace io = neuroscore::io;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::filesystem::path write(const std::string& name, const std::string& text) {
  const std::filesystem::path p = neuroscore::testing::scratch_dir("events") / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::string error_of(const std::filesystem::path& p, const io::EventsOptions& o = {}) {
  return neuroscore::testing::error_message<io::EventsError>([&] { io::read_events(p, o); });
}

TEST(Events, EveryRowIsAWordUnlessSkippedOrOfAnotherTrialType) {
  const auto p = write("e.tsv", "onset\tduration\ttrial_type\tword\n0\t100\tstory\tn/a\n1.0\t0.3\tword\tthe\n1.5\t0.25\tword\tsp\n"
                                "2.0\t0.3\tword\t\"quoted\n2.5\t0.2\tword\t\n");
  io::EventsOptions o;
  o.trial_type = "word";
  io::TimedWords t = io::read_events(p, o);
  EXPECT_THAT(t.words, ElementsAre("the", "sp", "\"quoted", ""));
  EXPECT_THAT(t.onsets, ElementsAre(1.0, 1.5, 2.0, 2.5));
  EXPECT_DOUBLE_EQ(t.ends[1], 1.75);
  EXPECT_THAT(t.data_rows, ElementsAre(2u, 3u, 4u, 5u));
  EXPECT_EQ(t.skipped_trial_type, 1u);
  o.skip = {"sp", ""};
  t = io::read_events(p, o);
  EXPECT_THAT(t.words, ElementsAre("the", "\"quoted"));
  EXPECT_EQ(t.skipped(), 3u);
  EXPECT_EQ(t.skipped_words.at("sp"), 1u);
}

TEST(Events, NaDurationIsAnErrorUnlessAskedToBeZero) {
  const auto p = write("na.tsv", "onset\tduration\tword\n1.0\t0.3\tthe\n\n1.5\tn/a\tend\n");
  const std::string e = error_of(p);
  EXPECT_THAT(e, HasSubstr("na.tsv: data row 2 (line 4 of the file): duration 'n/a'"));
  EXPECT_THAT(e, HasSubstr("na_duration"));
  io::EventsOptions o;
  o.na_duration = io::NaDuration::zero;
  EXPECT_THAT(io::read_events(p, o).ends, ElementsAre(1.3, 1.5));
}

TEST(Events, NumbersAreDecimal) {
  for (const std::string bad : {"0x10", "1,5", "nan", "inf", " 1.0", "1e400"}) {
    SCOPED_TRACE(bad);
    const auto p = write("n.tsv", "onset\tword\n" + bad + "\tthe\n");
    EXPECT_THAT(error_of(p), HasSubstr("data row 1 (line 2 of the file): onset '" + bad + "' is not a decimal number of seconds"));
  }
  EXPECT_THAT(io::read_events(write("ok.tsv", "onset\tword\n+1.5e0\tthe\n")).onsets, ElementsAre(1.5));
}

TEST(Events, OrderAndSignAreChecked) {
  EXPECT_THAT(error_of(write("o.tsv", "onset\tduration\tword\n2\t0.1\ta\n1\t0.1\tb\n")), HasSubstr("data row 2 (line 3 of the file): onset 1.000000 is before"));
  EXPECT_THAT(error_of(write("d.tsv", "onset\tduration\tword\n2\t-0.1\ta\n")), HasSubstr("duration -0.100000 is negative"));
  EXPECT_THAT(error_of(write("c.tsv", "onset\ttoken\n2\ta\n")), HasSubstr("no column named \"word\""));
}

TEST(Events, TextMustBeUtf8) {
  EXPECT_THAT(neuroscore::testing::error_message<std::runtime_error>([] { io::read_events(write("l.tsv", "onset\tword\n1\tcaf\xe9\n")); }),
              HasSubstr("l.tsv:2: not valid UTF-8"));
}

}  // namespace
