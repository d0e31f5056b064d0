// neuroscore/datasets/alice.hpp: the Alice in Wonderland fMRI dataset (Brennan et al. 2016).
// Entry point: load_alice(data_root) -> AliceData (listeners' ROI time courses, word timings).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/align.hpp"
#include "neuroscore/data_root.hpp"
#include "neuroscore/io/text_matrix.hpp"
#include "neuroscore/io/textgrid.hpp"

namespace neuroscore::datasets {

// Column order of every time-course file (README_data.txt): temporal to frontal.
inline constexpr std::array<std::string_view, 6> kAliceRois = {"LATL", "RATL", "LPTL",
                                                               "LIPL", "LPreM", "LIFG"};
inline constexpr Eigen::Index kAliceVolumesKept = 362;
inline constexpr Eigen::Index kAliceVolumesDiscarded = 10;
inline constexpr double kAliceTrSeconds = 2.0;

struct AliceOptions {
  int roi_radius_mm = 6;                 // 6 or 10: which released ROI size
  std::ostream* warnings = nullptr;      // where exclusions are reported (nullptr: nowhere)
};

struct AliceSubject {
  std::string id;             // "s18"
  Eigen::MatrixXd timecourses;  // 362 volumes x 6 ROIs, raw scanner units
};

struct AliceExclusion {
  std::string id;
  std::string reason;
};

struct AliceData {
  std::vector<AliceSubject> subjects;     // usable listeners, sorted by id
  std::vector<AliceExclusion> excluded;   // e.g. s33: all zeros in the source
  std::vector<io::Interval> words;        // spoken words (silence "sp" removed), in order
  // Row i of a time course is volume i + 10 of the run, acquired at 2 * (i + 10) seconds of
  // the stimulus timeline (which starts with 20 s of silence, as words.TextGrid does).
  VolumeGrid full_run{kAliceVolumesKept + kAliceVolumesDiscarded, kAliceTrSeconds, 0.0};
  Eigen::Index first_kept_volume = kAliceVolumesDiscarded;

  std::vector<double> word_onsets_seconds() const {
    std::vector<double> out;
    out.reserve(words.size());
    for (const io::Interval& w : words) out.push_back(w.start_seconds);
    return out;
  }
};

// Loads every sNN-timecourses.txt of the chosen ROI size (each must be 362 x 6) and the
// word tier of words.TextGrid. A listener whose file is all zeros, or has a constant ROI,
// is excluded and reported (in `excluded` and on options.warnings), never used.
inline AliceData load_alice(const std::filesystem::path& data_root, const AliceOptions& options = {}) {
  namespace fs = std::filesystem;
  if (options.roi_radius_mm != 6 && options.roi_radius_mm != 10) {
    throw std::invalid_argument("load_alice: roi_radius_mm must be 6 or 10, got " +
                                std::to_string(options.roi_radius_mm));
  }
  const fs::path dir = dataset_dir(data_root, "alice_brennan2016");
  const fs::path tc_dir = dir / ("timecourses_" + std::to_string(options.roi_radius_mm) + "mm");
  if (!fs::is_directory(tc_dir)) throw std::runtime_error(tc_dir.string() + ": directory not found");

  std::vector<fs::path> files;
  // Listener files are named sNN-timecourses.txt; anything else in the folder is ignored.
  const auto is_listener_file = [](const std::string& name) {
    const std::string suffix = "-timecourses.txt";
    if (name.size() <= suffix.size() + 1 || name[0] != 's') return false;
    if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    const std::string digits = name.substr(1, name.size() - suffix.size() - 1);
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  for (const fs::directory_entry& e : fs::directory_iterator(tc_dir)) {
    if (e.is_regular_file() && is_listener_file(e.path().filename().string())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error(tc_dir.string() + ": no sNN-timecourses.txt files");

  AliceData data;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const std::string id = name.substr(0, name.find('-'));
    Eigen::MatrixXd tc = io::read_text_matrix(
        file, io::TextMatrixOptions{kAliceVolumesKept, static_cast<Eigen::Index>(kAliceRois.size())});
    std::string reason;
    if ((tc.array() == 0.0).all()) {
      reason = "all values are zero (corrupt in the source release)";
    } else {
      for (Eigen::Index c = 0; c < tc.cols() && reason.empty(); ++c) {
        if ((tc.col(c).array() == tc(0, c)).all()) {
          reason = "ROI " + std::string(kAliceRois[static_cast<std::size_t>(c)]) + " is constant";
        }
      }
    }
    if (!reason.empty()) {
      if (options.warnings) {
        *options.warnings << "warning: excluding Alice listener " << id << " (" << file.string()
                          << "): " << reason << "\n";
      }
      data.excluded.push_back({id, reason});
      continue;
    }
    data.subjects.push_back({id, std::move(tc)});
  }

  const io::TextGrid grid = io::read_textgrid(dir / "words.TextGrid");
  for (const io::Interval& interval : grid.tier("word").intervals) {
    if (!interval.text.empty() && interval.text != "sp") data.words.push_back(interval);
  }
  if (data.words.empty()) throw std::runtime_error((dir / "words.TextGrid").string() + ": no words");
  return data;
}

}  // namespace neuroscore::datasets
