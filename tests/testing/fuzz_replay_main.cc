// Replay driver for the libFuzzer entry points under gcc/Bazel: feeds the seed corpus and a fixed-seed
// stream of mutated inputs to LLVMFuzzerTestOneInput, so `bazel test` catches parser regressions.
//
// Usage: <test> [--mutations=N] [--seed=S] CORPUS_DIR...
// Every regular file under each CORPUS_DIR (sorted by path) is run as is, then N inputs (default
// 20000) are made by mutating randomly chosen corpus files with a std::mt19937_64 seeded with S
// (default 20240601): bit flips, interesting bytes, insertions, deletions, duplicated chunks,
// truncations and splices of two files. A crash, an undocumented exception or a sanitizer report
// ends the process abnormally; otherwise it prints a summary and exits 0.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

// Bytes that parsers treat specially: structure, number syntax, encodings and boundaries.
constexpr std::uint8_t kInteresting[] = {0,    1,    '\t', '\n', '\r', ' ',  '"',  '#', '\'', '(',  ')',
                                         '+',  ',',  '-',  '.',  '0',  '1',  '9',  ':', ';',  '<',  '=',
                                         '>',  '?',  'L',  '[',  ']',  'e',  'n',  '{', '}',  0x7F, 0x80,
                                         0x93, 0xBF, 0xC3, 0xE9, 0xED, 0xEF, 0xF4, 0xFE, 0xFF};

std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) { return n == 0 ? 0 : rng() % n; }

void mutate(Bytes& input, const std::vector<Bytes>& corpus, std::mt19937_64& rng) {
  const int steps = 1 + static_cast<int>(below(rng, 6));
  for (int step = 0; step < steps; ++step) {
    const std::size_t size = input.size();
    switch (below(rng, 8)) {
      case 0:  // flip one bit
        if (size > 0) input[below(rng, size)] ^= static_cast<std::uint8_t>(1U << below(rng, 8));
        break;
      case 1:  // overwrite a byte with an interesting one
        if (size > 0) input[below(rng, size)] = kInteresting[below(rng, sizeof kInteresting)];
        break;
      case 2:  // insert interesting bytes
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(below(rng, size + 1)),
                     1 + below(rng, 3), kInteresting[below(rng, sizeof kInteresting)]);
        break;
      case 3:  // delete a chunk
        if (size > 0) {
          const std::size_t at = below(rng, size);
          const std::size_t n = 1 + below(rng, std::min<std::size_t>(size - at, 16));
          input.erase(input.begin() + static_cast<std::ptrdiff_t>(at),
                      input.begin() + static_cast<std::ptrdiff_t>(at + n));
        }
        break;
      case 4:  // duplicate a chunk
        if (size > 0) {
          const std::size_t at = below(rng, size);
          const std::size_t n = 1 + below(rng, std::min<std::size_t>(size - at, 32));
          const Bytes chunk(input.begin() + static_cast<std::ptrdiff_t>(at),
                            input.begin() + static_cast<std::ptrdiff_t>(at + n));
          input.insert(input.begin() + static_cast<std::ptrdiff_t>(below(rng, size + 1)), chunk.begin(),
                       chunk.end());
        }
        break;
      case 5:  // truncate
        input.resize(below(rng, size + 1));
        break;
      case 6: {  // splice: our head, another file's tail
        const Bytes& other = corpus[below(rng, corpus.size())];
        const std::size_t keep = below(rng, size + 1);
        const std::size_t from = below(rng, other.size() + 1);
        input.resize(keep);
        input.insert(input.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
      default:  // overwrite a byte with a digit (numbers, counts, lengths)
        if (size > 0) input[below(rng, size)] = static_cast<std::uint8_t>('0' + below(rng, 10));
        break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 20000;
  std::uint64_t seed = 20240601;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::stol(arg.substr(12));
    } else if (arg.rfind("--seed=", 0) == 0) {
      seed = std::stoull(arg.substr(7));
    } else {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay: no corpus files (pass one or more corpus directories)\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<Bytes> corpus;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(corpus.back().data(), corpus.back().size());
  }
  std::mt19937_64 rng(seed);
  Bytes input;
  for (long i = 0; i < mutations; ++i) {
    input = corpus[below(rng, corpus.size())];
    mutate(input, corpus, rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("replay: %zu corpus files and %ld mutations (seed %llu) in %.2f s, no crash\n", files.size(),
              mutations, static_cast<unsigned long long>(seed), seconds);
  return 0;
}
