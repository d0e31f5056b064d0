// extract/feature_request.cc: names of the request's values, stimulus constructors, segment_lines.
#include "extract/feature_request.hpp"

#include <charconv>
#include <cstdint>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace neuroscore::extract {

std::string to_string(const ModelVariant& v) {
  switch (v.kind) {
    case ModelVariant::Kind::kTrained:
      return "trained";
    case ModelVariant::Kind::kUntrained:
      return "untrained:" + std::to_string(v.seed);
    case ModelVariant::Kind::kNoise: {
      char buf[64];
      const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, v.rel_sd);
      return "noise:" + std::string(buf, r.ptr) + ":" + std::to_string(v.seed);
    }
  }
  throw std::logic_error("ModelVariant: unknown kind");
}

namespace {

std::uint64_t variant_seed(const std::string& s, const std::string& name, const std::string& what) {
  std::uint64_t v = 0;
  const std::from_chars_result r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    throw std::invalid_argument(what + " '" + name + "': seed '" + s + "' is not a non-negative integer");
  }
  return v;
}

}  // namespace

std::string to_string(const ModelLayer& layer) {
  return layer.index == 0 ? std::string("embedding") : "block_" + std::to_string(layer.index - 1);
}

ModelLayer parse_model_layer(const std::string& name, const std::string& what) {
  if (name == "embedding") return ModelLayer::embedding();
  if (name.rfind("block_", 0) == 0) {
    const std::string k = name.substr(6);
    std::int64_t v = 0;
    const std::from_chars_result r = std::from_chars(k.data(), k.data() + k.size(), v);
    if (!k.empty() && k[0] != '-' && r.ec == std::errc() && r.ptr == k.data() + k.size() && v < INT64_MAX) {
      return ModelLayer::block(v);
    }
  }
  throw std::invalid_argument(what + ": '" + name + "' is not a layer (embedding, block_0, block_1, ...)");
}

ModelVariant parse_model_variant(const std::string& name, const std::string& what) {
  if (name == "trained") return ModelVariant::trained();
  if (name.rfind("untrained:", 0) == 0) return ModelVariant::untrained(variant_seed(name.substr(10), name, what));
  if (name.rfind("noise:", 0) == 0) {
    const std::string rest = name.substr(6);
    const std::size_t colon = rest.find(':');
    if (colon == std::string::npos) throw std::invalid_argument(what + " noise wants noise:REL_SD:SEED, got '" + name + "'");
    const std::string sd = rest.substr(0, colon);
    double rel_sd = 0.0;
    const std::from_chars_result r = std::from_chars(sd.data(), sd.data() + sd.size(), rel_sd);
    if (sd.empty() || r.ec != std::errc() || r.ptr != sd.data() + sd.size() || !std::isfinite(rel_sd) || rel_sd < 0.0) {
      throw std::invalid_argument(what + " '" + name + "': REL_SD '" + sd + "' is not a number >= 0");
    }
    return ModelVariant::noise(rel_sd, variant_seed(rest.substr(colon + 1), name, what));
  }
  throw std::invalid_argument(what + " wants trained, untrained:SEED or noise:REL_SD:SEED, got '" + name + "'");
}

std::string to_string(Feature f) {
  switch (f) {
    case Feature::kActivations: return "activations";
    case Feature::kAttention: return "attention";
    case Feature::kGradNorm: return "grad_norm";
    case Feature::kGradXInput: return "grad_x_input";
    case Feature::kIntegratedGradients: return "integrated_gradients";
    case Feature::kErasure: return "erasure";
    case Feature::kConductance: return "conductance";
    case Feature::kEntropy: return "entropy";
  }
  throw std::logic_error("Feature: unknown value");
}

std::string to_string(Segments s) { return s == Segments::kLines ? "lines" : "none"; }

std::string to_string(SegmentPool p) {
  switch (p) {
    case SegmentPool::kNone: return "none";
    case SegmentPool::kLast: return "last";
    case SegmentPool::kMean: return "mean";
    case SegmentPool::kLastToken: return "last-token";
  }
  throw std::logic_error("SegmentPool: unknown value");
}

std::string to_string(Precision p) { return p == Precision::kFloat64 ? "float64" : "float32"; }

std::string to_string(AttributionTarget t) {
  switch (t) {
    case AttributionTarget::kLogProbability: return "logprob";
    case AttributionTarget::kLogit: return "logit";
    case AttributionTarget::kArgmaxLogProbability: return "argmax-logprob";
    case AttributionTarget::kArgmaxLogit: return "argmax-logit";
  }
  throw std::logic_error("AttributionTarget: unknown value");
}

std::string to_string(const AttributionBaseline& b) {
  switch (b.kind) {
    case AttributionBaseline::Kind::kZero: return "zero";
    case AttributionBaseline::Kind::kMean: return "mean";
    case AttributionBaseline::Kind::kToken: return "token:" + std::to_string(b.token);
  }
  throw std::logic_error("AttributionBaseline: unknown kind");
}

std::string to_string(IntegrationRule r) {
  switch (r) {
    case IntegrationRule::kGaussLegendre: return "gausslegendre";
    case IntegrationRule::kRiemannLeft: return "riemann_left";
    case IntegrationRule::kRiemannRight: return "riemann_right";
    case IntegrationRule::kRiemannMiddle: return "riemann_middle";
    case IntegrationRule::kRiemannTrapezoid: return "riemann_trapezoid";
  }
  throw std::logic_error("IntegrationRule: unknown value");
}

std::string to_string(Erasure e) {
  switch (e) {
    case Erasure::kRemove: return "remove";
    case Erasure::kReplace: return "replace";
    case Erasure::kRemoveWord: return "remove-word";
  }
  throw std::logic_error("Erasure: unknown value");
}

std::string to_string(WordPooling p) {
  switch (p) {
    case WordPooling::kLast: return "last";
    case WordPooling::kFirst: return "first";
    case WordPooling::kMean: return "mean";
    case WordPooling::kSum: return "sum";
    case WordPooling::kAbsMax: return "absmax";
  }
  throw std::logic_error("WordPooling: unknown value");
}

Stimulus Stimulus::file(std::string path, Segments segments, std::string textgrid_tier) {
  Stimulus s;
  s.path = std::move(path);
  s.segments = segments;
  s.textgrid_tier = std::move(textgrid_tier);
  return s;
}

Stimulus Stimulus::in_memory(std::vector<std::string> words) {
  Stimulus s;
  s.words.segment_of.assign(words.size(), 0);
  s.words.words = std::move(words);
  s.words.segments = 1;
  return s;
}

Stimulus Stimulus::in_memory(SegmentedWords words) {
  Stimulus s;
  s.segments = Segments::kLines;
  s.words = std::move(words);
  return s;
}

SegmentedWords segment_lines(const std::vector<std::string>& lines, const std::string& source) {
  SegmentedWords out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" \t\r\f\v") == std::string::npos) {
      throw std::runtime_error(source + ": line " + std::to_string(i + 1) +
                               " is blank (--segments lines wants one non-empty segment per line)");
    }
    std::istringstream split(lines[i]);
    std::string w;
    while (split >> w) {
      out.words.push_back(w);
      out.segment_of.push_back(static_cast<std::int64_t>(i));
    }
  }
  out.segments = static_cast<std::int64_t>(lines.size());
  if (out.words.empty()) throw std::runtime_error("stimulus " + source + " holds no words");
  return out;
}

}  // namespace neuroscore::extract
