// extract/safetensors.hpp: a reader and writer of the safetensors format, free of libtorch.
// Main entry points: parse_safetensors, read_safetensors, format_safetensors, write_safetensors,
// read_safetensors_index, to_float32 / to_float64.
//
// Format (https://huggingface.co/docs/safetensors): 8-byte little-endian header length N, N bytes
// of JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
// "__metadata__": {"key": "value"}}, then the data section; offsets are relative to its start,
// little-endian, row-major. Like the reference implementation, the tensors must tile the data
// section exactly: no overlap, no gap, nothing after the last tensor.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace neuroscore::extract {

enum class DType { kF16, kBF16, kF32, kF64 };

const char* dtype_name(DType dtype);        // "F16", "BF16", "F32", "F64"
std::size_t dtype_bytes(DType dtype);

struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;  // byte offsets in the data section
  std::uint64_t end = 0;

  std::uint64_t elements() const;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> tensors;  // in the order of the file's data section
  std::map<std::string, std::string> metadata;
  std::uint64_t data_start = 0;  // 8 + header length
};

// Parses and validates the whole file held in `bytes`. Every failure is a std::runtime_error whose
// message names `source` and, where one is at fault, the tensor: header length larger than the
// file, invalid JSON, unknown dtype, shape and byte count disagreeing, offsets out of range,
// overlapping or leaving gaps.
SafetensorsHeader parse_safetensors(std::string_view bytes, const std::string& source);

// A file read into memory with its parsed header.
struct SafetensorsFile {
  std::string path;
  std::string bytes;
  SafetensorsHeader header;

  bool contains(const std::string& name) const;
  const SafetensorsEntry& entry(const std::string& name) const;  // std::runtime_error naming the file
  std::string_view data(const SafetensorsEntry& entry) const;
};

SafetensorsFile read_safetensors(const std::string& path);

// Converts raw little-endian data of `dtype` (F16 and BF16 exactly; F64 -> F32 rounds).
// `out` must hold data.size() / dtype_bytes(dtype) values.
void to_float32(DType dtype, std::string_view data, float* out);
void to_float64(DType dtype, std::string_view data, double* out);

// One tensor to write: `data` holds exactly elements * dtype_bytes(dtype) little-endian bytes.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::int64_t> shape;
  std::string data;
};

// The file's bytes: header padded with spaces to a multiple of 8, tensors in the given order.
// Throws std::invalid_argument on duplicate names, the reserved name __metadata__, or data whose
// size disagrees with the shape.
std::string format_safetensors(const std::vector<TensorToWrite>& tensors,
                               const std::map<std::string, std::string>& metadata = {});
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Encodes floats as `dtype` (round to nearest even for F16 and BF16).
std::string from_float32(DType dtype, const float* values, std::size_t count);
std::string from_float64(DType dtype, const double* values, std::size_t count);

// model.safetensors.index.json: {"metadata": {...}, "weight_map": {"tensor": "shard file"}}.
// Returns tensor -> shard file name (relative to the index's folder). std::runtime_error on a
// malformed index, naming `source`.
std::map<std::string, std::string> parse_safetensors_index(std::string_view json, const std::string& source);

}  // namespace neuroscore::extract
