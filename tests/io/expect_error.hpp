// Test helper: runs a callable that must throw a given exception type with a one-line message.
// Main entry point: neuroscore::testing::error_message<std::runtime_error>([&] { ... }).
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <utility>

namespace neuroscore::testing {

// Calls `f` and returns the what() of the `Exception` it throws. Records a test failure (and
// returns "") when it throws nothing or something else, and when the message spans lines.
template <class Exception, class F>
std::string error_message(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Exception& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "error message spans lines: " << message;
    return message;
  } catch (...) {  // not `const std::exception&`: that handler would shadow Exception = std::exception (-Wexceptions)
    std::string what = "(not a std::exception)";
    try {
      throw;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    ADD_FAILURE() << "threw the wrong exception type: " << what;
    return "";
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

}  // namespace neuroscore::testing
