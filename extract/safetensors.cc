#include "extract/safetensors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <stdexcept>

namespace neuroscore::extract {

namespace {

using nlohmann::json;

std::uint64_t read_u64_le(std::string_view bytes) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(b)]);
  return v;
}

bool parse_dtype(const std::string& name, DType* out) {
  if (name == "F16") *out = DType::kF16;
  else if (name == "BF16") *out = DType::kBF16;
  else if (name == "F32") *out = DType::kF32;
  else if (name == "F64") *out = DType::kF64;
  else return false;
  return true;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// IEEE 754 half -> single, exact (subnormals, infinities and NaN included).
float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000U) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1FU;
  const std::uint32_t mantissa = h & 0x3FFU;
  std::uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: value = mantissa * 2^-24, exact in float
      const float v = std::ldexp(static_cast<float>(mantissa), -24);
      std::memcpy(&bits, &v, 4);
      bits |= sign;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7F800000U | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// single -> half, round to nearest even; overflow to infinity.
std::uint16_t float_to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000U);
  const std::uint32_t abs = x & 0x7FFFFFFFU;
  if (abs >= 0x7F800000U) return static_cast<std::uint16_t>(sign | 0x7C00U | (abs > 0x7F800000U ? 0x200U : 0U));
  if (abs >= 0x477FF000U) return static_cast<std::uint16_t>(sign | 0x7C00U);  // rounds to >= 65520
  if (abs < 0x38800000U) {  // below the smallest normal half: subnormal, value / 2^-24 rounded to even
    float a;
    std::memcpy(&a, &abs, 4);
    const float scaled = std::nearbyint(a * 16777216.0f);  // exact scaling; default rounding is to even
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(scaled));
  }
  const std::uint32_t rounded = abs + 0xFFFU + ((abs >> 13) & 1U);
  return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>((rounded - 0x38000000U) >> 13));
}

float bf16_to_float(std::uint16_t h) {
  const std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::uint16_t float_to_bf16(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7FFFFFFFU) > 0x7F800000U) return static_cast<std::uint16_t>((x >> 16) | 0x40U);  // quiet NaN
  return static_cast<std::uint16_t>((x + 0x7FFFU + ((x >> 16) & 1U)) >> 16);
}

template <class T>
T load_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // little-endian host (x86-64, aarch64)
  return v;
}

template <class Out>
void convert(DType dtype, std::string_view data, Out* out) {
  const std::size_t n = data.size() / dtype_bytes(dtype);
  const char* p = data.data();
  for (std::size_t i = 0; i < n; ++i) {
    switch (dtype) {
      case DType::kF16: out[i] = static_cast<Out>(half_to_float(load_le<std::uint16_t>(p + 2 * i))); break;
      case DType::kBF16: out[i] = static_cast<Out>(bf16_to_float(load_le<std::uint16_t>(p + 2 * i))); break;
      case DType::kF32: out[i] = static_cast<Out>(load_le<float>(p + 4 * i)); break;
      case DType::kF64: out[i] = static_cast<Out>(load_le<double>(p + 8 * i)); break;
    }
  }
}

template <class In>
std::string encode(DType dtype, const In* values, std::size_t count) {
  std::string out(count * dtype_bytes(dtype), '\0');
  char* p = out.data();
  for (std::size_t i = 0; i < count; ++i) {
    switch (dtype) {
      case DType::kF16: {
        const std::uint16_t h = float_to_half(static_cast<float>(values[i]));
        std::memcpy(p + 2 * i, &h, 2);
        break;
      }
      case DType::kBF16: {
        const std::uint16_t h = float_to_bf16(static_cast<float>(values[i]));
        std::memcpy(p + 2 * i, &h, 2);
        break;
      }
      case DType::kF32: {
        const float f = static_cast<float>(values[i]);
        std::memcpy(p + 4 * i, &f, 4);
        break;
      }
      case DType::kF64: {
        const double d = static_cast<double>(values[i]);
        std::memcpy(p + 8 * i, &d, 8);
        break;
      }
    }
  }
  return out;
}

SafetensorsHeader parse_header_json(const json& j, std::uint64_t data_size, const std::string& source) {
  if (!j.is_object()) throw std::runtime_error(source + ": safetensors header is not a JSON object");
  SafetensorsHeader h;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) throw std::runtime_error(source + ": safetensors __metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) {
          throw std::runtime_error(source + ": safetensors __metadata__ value of \"" + m.key() + "\" is not a string");
        }
        h.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = source + ": safetensors tensor '" + name + "'";
    if (!v.is_object()) throw std::runtime_error(where + " is not a JSON object");
    const auto dtype = v.find("dtype");
    const auto shape = v.find("shape");
    const auto offsets = v.find("data_offsets");
    if (dtype == v.end() || !dtype->is_string()) throw std::runtime_error(where + " has no string dtype");
    if (shape == v.end() || !shape->is_array()) throw std::runtime_error(where + " has no shape array");
    if (offsets == v.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
        !(*offsets)[1].is_number_unsigned()) {
      throw std::runtime_error(where + " needs data_offsets [begin, end] of two non-negative integers");
    }
    SafetensorsEntry e;
    e.name = name;
    if (!parse_dtype(dtype->get<std::string>(), &e.dtype)) {
      throw std::runtime_error(where + " has unknown or unsupported dtype \"" + dtype->get<std::string>() +
                               "\" (F16, BF16, F32, F64)");
    }
    std::uint64_t elements = 1;
    bool overflow = false;
    for (const json& d : *shape) {
      if (!d.is_number_unsigned()) throw std::runtime_error(where + " has a shape entry that is not a non-negative integer");
      const std::uint64_t u = d.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) overflow = true;
      if (u != 0 && elements > std::numeric_limits<std::uint64_t>::max() / 8 / u) overflow = true;
      if (!overflow) elements *= u;
      e.shape.push_back(static_cast<std::int64_t>(u));
    }
    e.begin = (*offsets)[0].get<std::uint64_t>();
    e.end = (*offsets)[1].get<std::uint64_t>();
    if (e.begin > e.end) {
      throw std::runtime_error(where + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                               "] with begin after end");
    }
    if (e.end > data_size) {
      throw std::runtime_error(where + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                               "] beyond the data section of " + std::to_string(data_size) + " bytes");
    }
    if (overflow || elements * dtype_bytes(e.dtype) != e.end - e.begin) {
      throw std::runtime_error(where + " has shape " + shape_string(e.shape) + " of " + dtype_name(e.dtype) +
                               (overflow ? std::string(" (too large)") : " needing " + std::to_string(elements * dtype_bytes(e.dtype)) + " bytes") +
                               " but data_offsets span " + std::to_string(e.end - e.begin) + " bytes");
    }
    h.tensors.push_back(std::move(e));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t covered = 0;
  for (std::size_t i = 0; i < h.tensors.size(); ++i) {
    const SafetensorsEntry& e = h.tensors[i];
    if (e.begin < covered) {
      throw std::runtime_error(source + ": safetensors tensor '" + e.name + "' at bytes [" + std::to_string(e.begin) +
                               ", " + std::to_string(e.end) + ") overlaps tensor '" + h.tensors[i - 1].name + "'");
    }
    if (e.begin > covered) {
      throw std::runtime_error(source + ": safetensors data has a gap of " + std::to_string(e.begin - covered) +
                               " bytes before tensor '" + e.name + "'");
    }
    covered = e.end;
  }
  if (covered != data_size) {
    throw std::runtime_error(source + ": safetensors data section has " + std::to_string(data_size - covered) +
                             " bytes after the last tensor (" + std::to_string(data_size) + " bytes, tensors cover " +
                             std::to_string(covered) + ")");
  }
  return h;
}

}  // namespace

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kF16: return "F16";
    case DType::kBF16: return "BF16";
    case DType::kF32: return "F32";
    case DType::kF64: return "F64";
  }
  return "?";
}

std::size_t dtype_bytes(DType dtype) {
  switch (dtype) {
    case DType::kF16:
    case DType::kBF16: return 2;
    case DType::kF32: return 4;
    case DType::kF64: return 8;
  }
  return 0;
}

std::uint64_t SafetensorsEntry::elements() const { return (end - begin) / dtype_bytes(dtype); }

SafetensorsHeader parse_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8) {
    throw std::runtime_error(source + ": safetensors file has " + std::to_string(bytes.size()) +
                             " bytes, fewer than the 8-byte header length");
  }
  const std::uint64_t n = read_u64_le(bytes);
  if (n > bytes.size() - 8) {
    throw std::runtime_error(source + ": safetensors header length " + std::to_string(n) + " is larger than the " +
                             std::to_string(bytes.size() - 8) + " bytes after it (truncated or not safetensors)");
  }
  const std::string_view text = bytes.substr(8, n);
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::runtime_error(source + ": safetensors header is not valid JSON");
  try {
    SafetensorsHeader h = parse_header_json(j, bytes.size() - 8 - n, source);
    h.data_start = 8 + n;
    return h;
  } catch (const json::exception& e) {
    throw std::runtime_error(source + ": malformed safetensors header: " + e.what());
  }
}

bool SafetensorsFile::contains(const std::string& name) const {
  return std::any_of(header.tensors.begin(), header.tensors.end(),
                     [&](const SafetensorsEntry& e) { return e.name == name; });
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  for (const SafetensorsEntry& e : header.tensors) {
    if (e.name == name) return e;
  }
  throw std::runtime_error(path + ": safetensors file has no tensor '" + name + "'");
}

std::string_view SafetensorsFile::data(const SafetensorsEntry& e) const {
  return std::string_view(bytes).substr(header.data_start + e.begin, e.end - e.begin);
}

SafetensorsFile read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open safetensors file");
  SafetensorsFile f;
  f.path = path;
  f.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  f.header = parse_safetensors(f.bytes, path);
  return f;
}

void to_float32(DType dtype, std::string_view data, float* out) { convert(dtype, data, out); }
void to_float64(DType dtype, std::string_view data, double* out) { convert(dtype, data, out); }
std::string from_float32(DType dtype, const float* values, std::size_t count) { return encode(dtype, values, count); }
std::string from_float64(DType dtype, const double* values, std::size_t count) { return encode(dtype, values, count); }

std::string format_safetensors(const std::vector<TensorToWrite>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> names;
  std::uint64_t offset = 0;
  for (const TensorToWrite& t : tensors) {
    if (t.name == "__metadata__" || !names.insert(t.name).second) {
      throw std::invalid_argument("format_safetensors: duplicate or reserved tensor name '" + t.name + "'");
    }
    std::uint64_t elements = 1;
    for (std::int64_t d : t.shape) {
      if (d < 0) throw std::invalid_argument("format_safetensors: tensor '" + t.name + "' has a negative dimension");
      elements *= static_cast<std::uint64_t>(d);
    }
    if (elements * dtype_bytes(t.dtype) != t.data.size()) {
      throw std::invalid_argument("format_safetensors: tensor '" + t.name + "' has shape " + shape_string(t.shape) +
                                  " of " + dtype_name(t.dtype) + " but " + std::to_string(t.data.size()) + " bytes");
    }
    header[t.name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.data.size()}}};
    offset += t.data.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  std::uint64_t n = text.size();
  for (int b = 0; b < 8; ++b) out[static_cast<std::size_t>(b)] = static_cast<char>((n >> (8 * b)) & 0xFFU);
  out += text;
  for (const TensorToWrite& t : tensors) out += t.data;
  return out;
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string bytes = format_safetensors(tensors, metadata);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path + ": cannot write safetensors file");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error(path + ": failed writing safetensors file");
}

std::map<std::string, std::string> parse_safetensors_index(std::string_view text, const std::string& source) {
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(source + ": safetensors index is not a JSON object");
  const auto map = j.find("weight_map");
  if (map == j.end() || !map->is_object()) throw std::runtime_error(source + ": safetensors index has no weight_map object");
  std::map<std::string, std::string> out;
  for (auto it = map->begin(); it != map->end(); ++it) {
    if (!it.value().is_string()) {
      throw std::runtime_error(source + ": safetensors index entry '" + it.key() + "' is not a file name");
    }
    const std::string file = it.value().get<std::string>();
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..") {
      throw std::runtime_error(source + ": safetensors index entry '" + it.key() + "' names \"" + file +
                               "\", not a file in the index's folder");
    }
    out[it.key()] = file;
  }
  return out;
}

}  // namespace neuroscore::extract
