// Tests of neuroscore/io/detail/parse_number.hpp and quote.hpp: strict numbers, message quoting.
#include "neuroscore/io/detail/parse_number.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "neuroscore/io/detail/quote.hpp"

namespace {

using neuroscore::io::detail::NumberStatus;
using neuroscore::io::detail::parse_count;
using neuroscore::io::detail::parse_double;
using neuroscore::io::detail::quote_for_message;

TEST(ParseDouble, WholeTokenMustBeANumber) {
  EXPECT_EQ(parse_double("8.0890972e+01").value, 80.890972);
  EXPECT_EQ(parse_double("+2").value, 2.0);
  EXPECT_EQ(parse_double("-.5").value, -0.5);
  EXPECT_EQ(parse_double("5.").value, 5.0);
  EXPECT_TRUE(std::isnan(parse_double("NaN").value));
  EXPECT_EQ(parse_double("-inf").value, -INFINITY);
  for (const char* bad : {"", "+", "-", "++1", "+-1", "1.5x", "1e", "0x10", "1,5", " 1", "1 ", "e5"}) {
    EXPECT_EQ(parse_double(bad).status, NumberStatus::malformed) << bad;
  }
  EXPECT_EQ(parse_double("1e400").status, NumberStatus::out_of_range);
  EXPECT_EQ(parse_double("-1e-400").status, NumberStatus::out_of_range);
}

TEST(ParseCount, DigitsOnly) {
  EXPECT_EQ(parse_count("2423"), 2423);
  EXPECT_EQ(parse_count("0"), 0);
  EXPECT_EQ(parse_count("9223372036854775807"), 9223372036854775807LL);
  for (const char* bad : {"", "-1", "+1", "1.0", "1e3", "9223372036854775808", "12a"}) {
    EXPECT_FALSE(parse_count(bad).has_value()) << bad;
  }
}

TEST(QuoteForMessage, EscapesAndCuts) {
  EXPECT_EQ(quote_for_message("abc"), "\"abc\"");
  EXPECT_EQ(quote_for_message("a\"b\\c\n\t\r\x01\x7F"), "\"a\\\"b\\\\c\\n\\t\\r\\x01\\x7F\"");
  EXPECT_EQ(quote_for_message("abcdef", 3), "\"abc\"...");
  EXPECT_EQ(quote_for_message("ab\xC3\xA9z", 3), "\"ab\"...");  // never splits the UTF-8 sequence
  EXPECT_EQ(quote_for_message("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
}

}  // namespace
