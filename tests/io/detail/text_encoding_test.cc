// Tests of neuroscore/io/detail/text_encoding.hpp: UTF-8 validation and UTF-16 decoding.
#include "neuroscore/io/detail/text_encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

using neuroscore::io::detail::find_invalid_utf8;
using neuroscore::io::detail::has_utf16_bom;
using neuroscore::io::detail::utf16_to_utf8;
constexpr std::size_t npos = std::string_view::npos;

TEST(FindInvalidUtf8, AcceptsWellFormedText) {
  EXPECT_EQ(find_invalid_utf8(""), npos);
  EXPECT_EQ(find_invalid_utf8("plain ASCII"), npos);
  EXPECT_EQ(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), npos);
  EXPECT_EQ(find_invalid_utf8("\xED\x9F\xBF"), npos);  // U+D7FF, just below the surrogates
}

TEST(FindInvalidUtf8, PointsAtTheFirstBadByte) {
  EXPECT_EQ(find_invalid_utf8("caf\xE9"), 3u);             // Latin-1 e-acute
  EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);        // overlong 3-byte form
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);        // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);    // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("x\xF0\x9F\x98"), 1u);       // cut short at the end
  EXPECT_EQ(find_invalid_utf8("\xE2\x82" "A"), 0u);        // bad continuation byte
  EXPECT_EQ(find_invalid_utf8("\x80"), 0u);                // lone continuation byte
}

TEST(Utf16, DecodesBothByteOrders) {
  EXPECT_TRUE(has_utf16_bom("\xFF\xFE"));
  EXPECT_TRUE(has_utf16_bom("\xFE\xFF"));
  EXPECT_FALSE(has_utf16_bom("\xEF\xBB\xBF"));
  EXPECT_EQ(utf16_to_utf8(std::string("\xFF\xFE" "A\0\xE9\0\x3D\xD8\x00\xDE", 10), "s"),
            "A\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(utf16_to_utf8(std::string("\xFE\xFF\0A\0\xE9\xD8\x3D\xDE\x00", 10), "s"),
            "A\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(utf16_to_utf8("\xFF\xFE", "s"), "");
}

TEST(Utf16, RejectsBrokenText) {
  EXPECT_THROW(utf16_to_utf8(std::string("\xFF\xFE" "A", 3), "s"), std::runtime_error);
  EXPECT_THROW(utf16_to_utf8(std::string("\xFF\xFE\x00\xDC", 4), "s"), std::runtime_error);  // low first
  EXPECT_THROW(utf16_to_utf8(std::string("\xFF\xFE\x00\xD8" "A\0", 6), "s"), std::runtime_error);
  EXPECT_THROW(utf16_to_utf8(std::string("\xFF\xFE\x00\xD8", 4), "s"), std::runtime_error);  // at end
}

}  // namespace
