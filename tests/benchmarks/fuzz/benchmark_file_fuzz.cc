// Fuzz entry point for benchmarks/brain/benchmark_file.hpp (replayed in tests by the fuzz replay driver):
// a benchmark file is parsed, its data read and every control and feature file built
// (check_benchmark_file) against a small fixed dataset. Only the documented errors
// (std::invalid_argument, std::runtime_error) may escape; a crash, an Eigen assertion or any other
// exception is a bug. Not in tools/fuzz.sh: the library links libtorch (through the registry).
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "benchmarks/brain/benchmark_file.hpp"
#include "neuroscore/io/npy.hpp"
#include "tests/testing/fuzz_target.hpp"

namespace {

namespace fs = std::filesystem;

// The files the seed corpus names: 2 subjects x 2 targets x 60 rows, 3-column features, 3 groups
// of 20, word timings, 60 sentences, a 60-row table with a word, a group and a response column.
fs::path dataset() {
  static const fs::path dir = [] {
    const char* tmp = std::getenv("TEST_TMPDIR");
    const fs::path d = fs::path(tmp ? tmp : "/tmp") / "benchmark_file_fuzz";
    fs::create_directories(d);
    Eigen::MatrixXd y(60, 2), x(60, 3), g(60, 1);
    for (int i = 0; i < 60; ++i) {
      y(i, 0) = std::sin(0.3 * i);
      y(i, 1) = std::cos(0.17 * i) + 0.01 * i;
      x(i, 0) = std::sin(0.3 * i + 0.2);
      x(i, 1) = (i % 7) - 3.0;
      x(i, 2) = 0.5 * i;
      g(i, 0) = i / 20;
    }
    neuroscore::io::write_npy(d / "s1.npy", y);
    neuroscore::io::write_npy(d / "s2.npy", Eigen::MatrixXd(y.array() * 1.5 + 0.2 * x.leftCols(2).array()));
    neuroscore::io::write_npy(d / "s3.npy", Eigen::MatrixXd(y.array() - 0.3 * x.leftCols(2).array()));
    neuroscore::io::write_npy(d / "x.npy", x);
    neuroscore::io::write_npy(d / "groups.npy", g);
    std::ofstream words(d / "words.tsv");
    words << "onset\tduration\tword\n";
    for (int i = 0; i < 80; ++i) words << 0.7 * i << "\t0.3\tword" << i << "\n";
    std::ofstream lines(d / "sentences.txt");
    for (int i = 0; i < 60; ++i) lines << "sentence number " << i << " ends here.\n";
    std::ofstream table(d / "table.tsv");
    table << "word\tstory\tpos\trt\n";
    for (int i = 0; i < 60; ++i) table << "w" << i << "\t" << i / 20 << "\t" << i % 20 << "\t" << 300 + (i * 37) % 50 << "\n";
    std::ofstream(d / "corpus.txt") << "w1 w2 w3 w1 word1 word2 the a the\n";
    // Word rows of 6 items (2 stories) with each item's text: the first word of each item has no
    // row, some responses are missing (NA), some rows are rejected.
    std::ofstream texts(d / "texts.tsv");
    texts << "word\tstory\titem\tpos\ttext\trt\trejected\n";
    for (int item = 0; item < 6; ++item) {
      std::string text;
      for (int p = 0; p < 10; ++p) text += (p ? " " : "") + std::string(p % 3 == 2 ? "w," : "w") + std::to_string(item * 10 + p);
      for (int p = 1; p < 10; ++p) {
        const int i = item * 10 + p;
        texts << (p % 3 == 2 ? "w," : "w") << i << "\t" << item / 3 << "\t" << item << "\t" << p + 1 << "\t" << text << "\t"
              << (i % 7 == 0 ? std::string("NA") : std::to_string(300 + (i * 37) % 50)) << "\t" << (i % 11 == 0 ? 1 : 0) << "\n";
      }
    }
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path dir = dataset();
  const fs::path file = dir / "fuzz.json";
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const std::string report = neuroscore::benchmarks::check_benchmark_file(file, dir);
    neuroscore::fuzz::require(report.find(": OK\n") != std::string::npos, "a checked file reports OK");
  });
  return 0;
}
