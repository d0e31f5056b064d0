// GIfTI surface data (.gii, e.g. one hemisphere's func.gii): a checked reader of its data arrays
// (ASCII, Base64Binary and GZipBase64Binary encodings), a run as volumes x vertices, and a writer
// of runs and maps. Entry points: read_gifti, parse_gifti, gifti_timeseries, write_gifti_arrays, write_gifti_map.
#pragma once

#include <Eigen/Core>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/gifti.hpp"
#include "neuroscore/io/detail/parse_number.hpp"
#include "neuroscore/io/detail/zlib.hpp"

namespace neuroscore::io {

// One DataArray: its intent, dimensions (Dim0, Dim1, ...) and values in row-major order.
struct GiftiArray {
  std::string intent;
  std::vector<std::int64_t> dims;
  std::vector<double> data;
};

struct GiftiImage {
  std::vector<GiftiArray> arrays;
};

// Parses the text of a GIfTI file. Errors name the source, the DataArray (0-based) and the
// attribute: a missing or unsupported DataType, Encoding (external files are not supported) or
// Endian, a Dimensionality other than 1 or 2 or a Dim < 1, data that decode to another number of
// values than the Dims say, bad base64, corrupt compressed data, a missing </DataArray>.
inline GiftiImage parse_gifti(std::string_view text, std::string_view source_name) {
  namespace g = detail::gifti;
  const std::string source(source_name);
  if (text.find("<GIFTI") == std::string_view::npos) throw std::runtime_error(source + ": not a GIfTI file (no <GIFTI> element)");
  GiftiImage img;
  std::size_t pos = 0;
  while ((pos = text.find("<DataArray", pos)) != std::string_view::npos) {
    const std::string where = source + ": DataArray " + std::to_string(img.arrays.size());
    const std::size_t tag_end = text.find('>', pos);
    const std::size_t close = text.find("</DataArray>", pos);
    if (tag_end == std::string_view::npos || close == std::string_view::npos) throw std::runtime_error(where + ": no closing </DataArray>");
    const std::string_view tag = text.substr(pos, tag_end - pos);
    const auto need = [&](const char* name) {
      std::string v;
      if (!g::attribute(tag, name, v)) throw std::runtime_error(where + ": attribute " + name + " is missing");
      return v;
    };
    GiftiArray a;
    std::string v;
    a.intent = g::attribute(tag, "Intent", v) ? v : "";
    const std::string type = need("DataType");
    const int width = g::type_bytes(type);
    if (width == 0) throw std::runtime_error(where + ": DataType " + type + " is not supported (NIFTI_TYPE_UINT8, INT32, FLOAT32, FLOAT64)");
    const std::string encoding = need("Encoding");
    const std::string order = g::attribute(tag, "ArrayIndexingOrder", v) ? v : "RowMajorOrder";
    if (order != "RowMajorOrder" && order != "ColumnMajorOrder") throw std::runtime_error(where + ": ArrayIndexingOrder " + order + " is not RowMajorOrder or ColumnMajorOrder");
    const std::string endian = g::attribute(tag, "Endian", v) ? v : "LittleEndian";
    if (endian != "LittleEndian" && endian != "BigEndian") throw std::runtime_error(where + ": Endian " + endian + " is not LittleEndian or BigEndian");
    const std::string dimensionality = need("Dimensionality");
    if (dimensionality != "1" && dimensionality != "2") throw std::runtime_error(where + ": Dimensionality " + dimensionality + " is not 1 or 2");
    std::int64_t total = 1;
    for (int d = 0; d < (dimensionality == "1" ? 1 : 2); ++d) {
      const std::string name = "Dim" + std::to_string(d);
      const std::string dv = need(name.c_str());
      const std::int64_t n = detail::parse_count(dv).value_or(0);
      if (n < 1 || n > (std::int64_t{1} << 31)) throw std::runtime_error(where + ": " + name + " '" + dv + "' is not a size from 1 to 2^31");
      if (total > (std::int64_t{1} << 33) / n) throw std::runtime_error(where + ": the dimensions are too large");
      a.dims.push_back(n);
      total *= n;
    }
    // The <Data> element (not <DataSpace>, which the transform matrix holds).
    std::size_t data_open = tag_end;
    while ((data_open = text.find("<Data", data_open + 1)) != std::string_view::npos && data_open < close) {
      const char next = data_open + 5 < text.size() ? text[data_open + 5] : '\0';
      if (next == '>' || next == '/' || std::isspace(static_cast<unsigned char>(next))) break;
    }
    std::string_view payload;
    if (data_open != std::string_view::npos && data_open < close) {
      const std::size_t data_tag_end = text.find('>', data_open);
      if (data_tag_end == std::string_view::npos || data_tag_end > close) throw std::runtime_error(where + ": unterminated <Data> tag");
      if (text[data_tag_end - 1] != '/') {
        const std::size_t data_close = text.find("</Data>", data_tag_end);
        if (data_close == std::string_view::npos || data_close > close) throw std::runtime_error(where + ": no closing </Data>");
        payload = text.substr(data_tag_end + 1, data_close - data_tag_end - 1);
      }
    }
    // Values are stored only as the data provide them: a large declared size alone allocates nothing.
    if (encoding == "ASCII") {
      std::size_t p = 0;
      while (p < payload.size()) {
        while (p < payload.size() && std::isspace(static_cast<unsigned char>(payload[p]))) ++p;
        if (p == payload.size()) break;
        std::size_t e = p;
        while (e < payload.size() && !std::isspace(static_cast<unsigned char>(payload[e]))) ++e;
        const std::string_view token = payload.substr(p, e - p);
        const detail::ParsedNumber x = detail::parse_double(token);
        if (x.status != detail::NumberStatus::ok) throw std::runtime_error(where + ": '" + std::string(token) + "' is not a number");
        if (static_cast<std::int64_t>(a.data.size()) >= total) throw std::runtime_error(where + ": more than the " + std::to_string(total) + " values the Dims say");
        a.data.push_back(x.value);
        p = e;
      }
      if (static_cast<std::int64_t>(a.data.size()) != total) {
        throw std::runtime_error(where + ": " + std::to_string(a.data.size()) + " values, the Dims say " + std::to_string(total));
      }
    } else if (encoding == "Base64Binary" || encoding == "GZipBase64Binary") {
      const std::size_t need_bytes = static_cast<std::size_t>(total) * static_cast<std::size_t>(width);
      std::string bytes = g::base64_decode(payload, where);
      // zlib-wrapped in practice (nibabel); gzip accepted too. Inflation stops at the array's size.
      if (encoding == "GZipBase64Binary") bytes = detail::inflate_stream(bytes, detail::ZlibWrapper::detect, where, "compressed data", need_bytes);
      if (bytes.size() != need_bytes) {
        throw std::runtime_error(where + ": " + std::to_string(bytes.size()) + " bytes of data, the Dims and " + type + " say " + std::to_string(need_bytes));
      }
      const bool swap = endian == "BigEndian";
      a.data.resize(static_cast<std::size_t>(total));  // backed by bytes.size() == total * width
      for (std::size_t k = 0; k < a.data.size(); ++k) {
        unsigned char b[8];
        std::memcpy(b, bytes.data() + k * static_cast<std::size_t>(width), static_cast<std::size_t>(width));
        if (swap) {
          for (int i = 0; i < width / 2; ++i) std::swap(b[i], b[width - 1 - i]);
        }
        if (type == "NIFTI_TYPE_UINT8") a.data[k] = b[0];
        else if (type == "NIFTI_TYPE_INT32") { std::int32_t x; std::memcpy(&x, b, 4); a.data[k] = x; }
        else if (type == "NIFTI_TYPE_FLOAT32") { float x; std::memcpy(&x, b, 4); a.data[k] = x; }
        else { double x; std::memcpy(&x, b, 8); a.data[k] = x; }
      }
    } else {
      throw std::runtime_error(where + ": Encoding " + encoding + " is not supported (ASCII, Base64Binary, GZipBase64Binary)");
    }
    if (order == "ColumnMajorOrder" && a.dims.size() == 2) {
      std::vector<double> row_major(a.data.size());
      const auto r = static_cast<std::size_t>(a.dims[0]), c = static_cast<std::size_t>(a.dims[1]);
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < c; ++j) row_major[i * c + j] = a.data[j * r + i];
      a.data = std::move(row_major);
    }
    img.arrays.push_back(std::move(a));
    pos = close;
  }
  if (img.arrays.empty()) throw std::runtime_error(source + ": no DataArray");
  return img;
}

inline GiftiImage read_gifti(const std::filesystem::path& path) {
  return parse_gifti(detail::read_file_bytes(path), path.string());
}

// The arrays as volumes x vertices: several 1-D arrays of one length (one per volume, as
// nibabel and FreeSurfer write func.gii), or one 2-D array vertices x volumes. Errors: arrays of
// different lengths, several 2-D arrays, non-finite values.
inline Eigen::MatrixXd gifti_timeseries(const GiftiImage& img, std::string_view source = "gifti") {
  const std::string src(source);
  Eigen::MatrixXd out;
  if (img.arrays.size() == 1 && img.arrays[0].dims.size() == 2) {
    const GiftiArray& a = img.arrays[0];
    out.resize(a.dims[1], a.dims[0]);
    for (std::int64_t v = 0; v < a.dims[0]; ++v)
      for (std::int64_t t = 0; t < a.dims[1]; ++t) out(t, v) = a.data[static_cast<std::size_t>(v * a.dims[1] + t)];
  } else {
    const std::int64_t n = img.arrays[0].dims[0];
    out.resize(static_cast<Eigen::Index>(img.arrays.size()), n);
    for (std::size_t k = 0; k < img.arrays.size(); ++k) {
      const GiftiArray& a = img.arrays[k];
      if (a.dims.size() != 1 || a.dims[0] != n) {
        throw std::runtime_error(src + ": DataArray " + std::to_string(k) + " has " + std::to_string(a.data.size()) + " values in " +
                                 std::to_string(a.dims.size()) + " dimension(s), DataArray 0 " + std::to_string(n) +
                                 " (a run is 1-D arrays of one length, or one 2-D array)");
      }
      for (std::int64_t v = 0; v < n; ++v) out(static_cast<Eigen::Index>(k), v) = a.data[static_cast<std::size_t>(v)];
    }
  }
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out(i))) throw std::runtime_error(src + ": a non-finite value at volume " + std::to_string(i % out.rows()) + ", vertex " + std::to_string(i / out.rows()));
  }
  return out;
}

// Writes one float32 DataArray per row of `arrays` (GZipBase64Binary, little-endian), each with
// `intent`: a run (volumes x vertices, NIFTI_INTENT_TIME_SERIES) as nibabel writes func.gii.
inline void write_gifti_arrays(const std::filesystem::path& path, const Eigen::Ref<const Eigen::MatrixXd>& arrays,
                               const std::string& intent = "NIFTI_INTENT_TIME_SERIES") {
  std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") +
                    "<!DOCTYPE GIFTI SYSTEM \"http://www.nitrc.org/frs/download.php/115/gifti.dtd\">\n"
                    "<GIFTI Version=\"1.0\" NumberOfDataArrays=\"" + std::to_string(arrays.rows()) + "\">\n<MetaData/>\n<LabelTable/>\n";
  std::vector<float> f(static_cast<std::size_t>(arrays.cols()));
  for (Eigen::Index row = 0; row < arrays.rows(); ++row) {
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(arrays(row, static_cast<Eigen::Index>(i)));
    const std::string packed = detail::deflate_stream(
        std::string_view(reinterpret_cast<const char*>(f.data()), f.size() * 4), detail::ZlibWrapper::zlib, path.string());
    xml += "<DataArray Intent=\"" + intent + "\" DataType=\"NIFTI_TYPE_FLOAT32\" ArrayIndexingOrder=\"RowMajorOrder\" "
           "Dimensionality=\"1\" Dim0=\"" + std::to_string(f.size()) +
           "\" Encoding=\"GZipBase64Binary\" Endian=\"LittleEndian\" ExternalFileName=\"\" ExternalFileOffset=\"0\">\n"
           "<MetaData/>\n<Data>" + detail::gifti::base64_encode(packed) + "</Data>\n</DataArray>\n";
  }
  xml += "</GIFTI>\n";
  detail::write_file_bytes(path, xml);
}

// A map: one float32 array, one value per vertex (NaN allowed: vertices that were not scored).
inline void write_gifti_map(const std::filesystem::path& path, const Eigen::Ref<const Eigen::VectorXd>& values) {
  write_gifti_arrays(path, Eigen::MatrixXd(values.transpose()), "NIFTI_INTENT_NONE");
}

}  // namespace neuroscore::io
