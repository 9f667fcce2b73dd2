// FreqBenchParquet: the C API of FreqBenchParquet.h over Apache Arrow's own C++ Parquet
// reader (parquet::arrow::FileReader). Built by ci/setup-arrow, C++20 (Arrow 26's headers
// use std::span and concepts), against the pyarrow wheel's libarrow and libparquet.
//
// Shape of a read: fbpq_open reads the footer (Arrow schema, row group metadata);
// fbpq_read_row_group asks Arrow for the requested top-level fields of one row group as a
// Table, then flattens each column (one or more chunks of string / large_string /
// string_view / dictionary-of-those, or anything else after Arrow's cast to large_string)
// into int64 offsets + bytes + validity bytes owned by the batch. Memory is bounded by one
// row group of the requested columns.
//
// Every extern "C" function catches all exceptions (Parquet throws ParquetException inside
// some metadata accessors; allocation can throw bad_alloc): nothing crosses the C boundary.

#include "FreqBenchParquet.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/api.h>
#include <arrow/compute/cast.h>
#include <arrow/config.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>
#include <parquet/statistics.h>

#define FBPQ_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// ---------------------------------------------------------------------------------------
// Errors

void WriteError(char *error, size_t capacity, const std::string &message) {
  if (error == nullptr || capacity == 0) return;
  const size_t n = std::min(message.size(), capacity - 1);
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

// Runs `body` (returning T), turning any exception into `failure` plus a message.
template <typename T, typename Body>
T Guarded(const char *function, char *error, size_t capacity, T failure, Body &&body) {
  try {
    return body();
  } catch (const std::exception &e) {
    WriteError(error, capacity, std::string(function) + ": " + e.what());
  } catch (...) {
    WriteError(error, capacity, std::string(function) + ": unknown C++ exception");
  }
  return failure;
}

// For the accessors that have no error buffer: any exception means `failure`.
template <typename T, typename Body>
T Quiet(T failure, Body &&body) noexcept {
  try {
    return body();
  } catch (...) {
    return failure;
  }
}

bool IsTextType(const arrow::DataType &type) {
  switch (type.id()) {
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return true;
    case arrow::Type::DICTIONARY:
      return IsTextType(*static_cast<const arrow::DictionaryType &>(type).value_type());
    default:
      return false;
  }
}

// Leaf (Parquet column) indices under a top-level field of the schema manifest.
void CollectLeaves(const parquet::arrow::SchemaField &field, std::vector<int> *out) {
  if (field.is_leaf()) {
    out->push_back(field.column_index);
    return;
  }
  for (const auto &child : field.children) CollectLeaves(child, out);
}

// ---------------------------------------------------------------------------------------
// Flattening a text ChunkedArray into offsets + data + valid

// One flattened column. `data` points either into `owned` or, zero-copy, into the value
// buffer of the single Arrow array kept alive in `kept`.
struct TextColumn {
  std::unique_ptr<int64_t[]> offsets;  // num_rows + 1, offsets[0] == 0
  std::unique_ptr<uint8_t[]> valid;    // num_rows
  std::unique_ptr<uint8_t[]> owned;
  std::shared_ptr<arrow::Array> kept;
  const uint8_t *data = nullptr;
};

// Never-NULL data pointer for columns without bytes.
const uint8_t kEmpty[1] = {0};

// Calls f(is_valid, string_view) for every row of one text array of a known class.
template <typename ArrayType, typename F>
void VisitPlain(const arrow::Array &array, F &f) {
  const auto &a = static_cast<const ArrayType &>(array);
  const int64_t n = a.length();
  for (int64_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      f(false, std::string_view());
    } else {
      f(true, a.GetView(i));
    }
  }
}

template <typename DictValues, typename F>
arrow::Status VisitDictionary(const arrow::DictionaryArray &a, F &f) {
  const auto &values = static_cast<const DictValues &>(*a.dictionary());
  const int64_t n = a.length(), dictionary_length = values.length();
  for (int64_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      f(false, std::string_view());
      continue;
    }
    const int64_t index = a.GetValueIndex(i);
    if (index < 0 || index >= dictionary_length) {
      return arrow::Status::Invalid("dictionary index ", index, " out of range (",
                                    dictionary_length, " values)");
    }
    // A null dictionary value is a null row too (DictionaryArray::IsNull looks at the
    // indices only).
    if (values.IsNull(index)) {
      f(false, std::string_view());
    } else {
      f(true, values.GetView(index));
    }
  }
  return arrow::Status::OK();
}

// Calls f(is_valid, string_view) for every row of a text array (any IsTextType type).
template <typename F>
arrow::Status VisitText(const arrow::Array &array, F &&f) {
  switch (array.type_id()) {
    case arrow::Type::STRING:
      VisitPlain<arrow::StringArray>(array, f);
      return arrow::Status::OK();
    case arrow::Type::LARGE_STRING:
      VisitPlain<arrow::LargeStringArray>(array, f);
      return arrow::Status::OK();
    case arrow::Type::STRING_VIEW:
      VisitPlain<arrow::StringViewArray>(array, f);
      return arrow::Status::OK();
    case arrow::Type::DICTIONARY: {
      const auto &dictionary = static_cast<const arrow::DictionaryArray &>(array);
      switch (dictionary.dictionary()->type_id()) {
        case arrow::Type::STRING:
          return VisitDictionary<arrow::StringArray>(dictionary, f);
        case arrow::Type::LARGE_STRING:
          return VisitDictionary<arrow::LargeStringArray>(dictionary, f);
        case arrow::Type::STRING_VIEW:
          return VisitDictionary<arrow::StringViewArray>(dictionary, f);
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  return arrow::Status::TypeError("not a text array: ", array.type()->ToString());
}

// Zero-copy path: one string / large_string array whose null rows have empty ranges (as
// Parquet's reader writes them). Offsets are rebased so that offsets[0] == 0. Returns
// false (and leaves `out` alone) when the array does not qualify.
template <typename ArrayType>
bool FlattenZeroCopy(const std::shared_ptr<arrow::Array> &array, TextColumn *out) {
  const auto &a = static_cast<const ArrayType &>(*array);
  const int64_t n = a.length();
  if (n == 0) return false;  // an empty array may have no offsets buffer at all
  const int64_t base = a.value_offset(0);
  for (int64_t i = 0; i < n; ++i) {
    if (a.IsNull(i) && a.value_length(i) != 0) return false;
  }
  out->offsets = std::make_unique_for_overwrite<int64_t[]>(n + 1);
  out->valid = std::make_unique_for_overwrite<uint8_t[]>(std::max<int64_t>(n, 1));
  for (int64_t i = 0; i <= n; ++i) out->offsets[i] = a.value_offset(i) - base;
  if (a.null_count() == 0) {
    std::memset(out->valid.get(), 1, n);
  } else {
    for (int64_t i = 0; i < n; ++i) out->valid[i] = a.IsValid(i) ? 1 : 0;
  }
  const auto &values = a.value_data();
  out->data = (values != nullptr && values->data() != nullptr) ? values->data() + base
                                                               : kEmpty;
  out->kept = array;
  return true;
}

// Flattens a text ChunkedArray (every chunk IsTextType) of `n` rows into `out`.
arrow::Status FlattenText(const arrow::ChunkedArray &column, TextColumn *out) {
  const int64_t n = column.length();
  if (column.num_chunks() == 1) {
    const auto &only = column.chunk(0);
    if (only->type_id() == arrow::Type::STRING &&
        FlattenZeroCopy<arrow::StringArray>(only, out)) {
      return arrow::Status::OK();
    }
    if (only->type_id() == arrow::Type::LARGE_STRING &&
        FlattenZeroCopy<arrow::LargeStringArray>(only, out)) {
      return arrow::Status::OK();
    }
  }

  // Copying path: first the byte total, then the bytes.
  int64_t total = 0;
  for (const auto &chunk : column.chunks()) {
    ARROW_RETURN_NOT_OK(VisitText(*chunk, [&](bool present, std::string_view s) {
      if (present) total += static_cast<int64_t>(s.size());
    }));
  }
  out->offsets = std::make_unique_for_overwrite<int64_t[]>(n + 1);
  out->valid = std::make_unique_for_overwrite<uint8_t[]>(std::max<int64_t>(n, 1));
  out->owned = std::make_unique_for_overwrite<uint8_t[]>(std::max<int64_t>(total, 1));
  out->data = out->owned.get();
  int64_t row = 0, position = 0;
  out->offsets[0] = 0;
  for (const auto &chunk : column.chunks()) {
    ARROW_RETURN_NOT_OK(VisitText(*chunk, [&](bool present, std::string_view s) {
      if (present && !s.empty()) {
        std::memcpy(out->owned.get() + position, s.data(), s.size());
        position += static_cast<int64_t>(s.size());
      }
      out->valid[row] = present ? 1 : 0;
      out->offsets[++row] = position;
    }));
  }
  if (row != n || position != total) {
    return arrow::Status::Invalid("flattened ", row, " rows / ", position,
                                  " bytes, expected ", n, " / ", total);
  }
  return arrow::Status::OK();
}

// Flattens any column: text as is, everything else through Arrow's cast to large_string
// (safe cast: binary is validated as UTF-8; types without a cast to string are an error).
arrow::Status FlattenColumn(const std::shared_ptr<arrow::ChunkedArray> &column,
                            TextColumn *out) {
  if (IsTextType(*column->type())) return FlattenText(*column, out);
  ARROW_ASSIGN_OR_RAISE(
      arrow::Datum cast,
      arrow::compute::Cast(arrow::Datum(column), arrow::large_utf8(),
                           arrow::compute::CastOptions::Safe()));
  return FlattenText(*cast.chunked_array(), out);
}

std::string JoinInts(const int *values, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    if (i) s += ", ";
    s += std::to_string(values[i]);
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Opaque types

struct fbpq_file {
  std::unique_ptr<parquet::arrow::FileReader> reader;
  std::shared_ptr<parquet::FileMetaData> metadata;
  int64_t num_rows = 0;
  std::vector<int64_t> row_group_rows, row_group_bytes;
  // Per top-level field of the Arrow schema.
  std::vector<std::string> names, types;
  std::vector<int> is_text;
  std::vector<std::vector<int>> leaves;  // Parquet leaf column indices under the field
};

struct fbpq_batch {
  int64_t num_rows = 0;
  std::vector<TextColumn> columns;
};

// ---------------------------------------------------------------------------------------
// API

FBPQ_EXPORT const char *fbpq_version(void) {
  static const std::string version = Quiet<std::string>("Arrow (unknown)", [] {
    return "Arrow " + arrow::GetBuildInfo().version_string;
  });
  return version.c_str();
}

FBPQ_EXPORT fbpq_file *fbpq_open(const char *path, char *error, size_t error_capacity) {
  return Guarded<fbpq_file *>("fbpq_open", error, error_capacity, nullptr, [&]() -> fbpq_file * {
    if (path == nullptr) {
      WriteError(error, error_capacity, "fbpq_open: path is NULL");
      return nullptr;
    }
    auto fail = [&](const std::string &what, const arrow::Status &status) -> fbpq_file * {
      WriteError(error, error_capacity, "fbpq_open: " + what + status.ToString());
      return nullptr;
    };

    // A plain (pread) file, not a memory map: a file truncated under a map would SIGBUS
    // the whole process instead of returning an error. Page CRCs are checked when the
    // writer stored them (cheap; most writers do not).
    parquet::ReaderProperties properties = parquet::default_reader_properties();
    properties.set_page_checksum_verification(true);
    // Arrow-level options: one thread (the caller parallelizes over files and row
    // groups), and no pre-buffering: pre-buffering coalesces reads for high-latency
    // object stores and would run them on Arrow's IO thread pool; on a local disk each
    // column chunk is read whole with one pread when it is decoded.
    parquet::ArrowReaderProperties arrow_properties;
    arrow_properties.set_use_threads(false);
    arrow_properties.set_pre_buffer(false);

    parquet::arrow::FileReaderBuilder builder;
    arrow::Status status = builder.OpenFile(path, /*memory_map=*/false, properties);
    if (!status.ok()) return fail("", status);
    builder.memory_pool(arrow::default_memory_pool())->properties(arrow_properties);
    auto built = builder.Build();
    if (!built.ok()) return fail("building the Arrow reader: ", built.status());

    auto file = std::make_unique<fbpq_file>();
    file->reader = std::move(*built);
    file->metadata = file->reader->parquet_reader()->metadata();
    const parquet::FileMetaData &metadata = *file->metadata;
    file->num_rows = metadata.num_rows();
    for (int rg = 0; rg < metadata.num_row_groups(); ++rg) {
      auto group = metadata.RowGroup(rg);
      int64_t bytes = 0;
      for (int c = 0; c < group->num_columns(); ++c) {
        bytes += group->ColumnChunk(c)->total_compressed_size();
      }
      file->row_group_rows.push_back(group->num_rows());
      file->row_group_bytes.push_back(bytes);
    }

    std::shared_ptr<arrow::Schema> schema;
    status = file->reader->GetSchema(&schema);
    if (!status.ok()) return fail("reading the Arrow schema: ", status);
    const auto &manifest = file->reader->manifest();
    if (manifest.schema_fields.size() != static_cast<size_t>(schema->num_fields())) {
      WriteError(error, error_capacity,
                 "fbpq_open: schema manifest has " +
                     std::to_string(manifest.schema_fields.size()) +
                     " top-level fields, Arrow schema " +
                     std::to_string(schema->num_fields()));
      return nullptr;
    }
    for (int i = 0; i < schema->num_fields(); ++i) {
      const auto &field = schema->field(i);
      file->names.push_back(field->name());
      file->types.push_back(field->type()->ToString());
      file->is_text.push_back(IsTextType(*field->type()) ? 1 : 0);
      std::vector<int> leaves;
      CollectLeaves(manifest.schema_fields[i], &leaves);
      file->leaves.push_back(std::move(leaves));
    }
    return file.release();
  });
}

FBPQ_EXPORT void fbpq_close(fbpq_file *file) {
  Quiet<int>(0, [&] {
    delete file;
    return 0;
  });
}

FBPQ_EXPORT int64_t fbpq_num_rows(const fbpq_file *file) {
  return file ? file->num_rows : -1;
}

FBPQ_EXPORT int fbpq_num_row_groups(const fbpq_file *file) {
  return file ? static_cast<int>(file->row_group_rows.size()) : -1;
}

FBPQ_EXPORT int64_t fbpq_row_group_num_rows(const fbpq_file *file, int row_group) {
  if (!file || row_group < 0 || static_cast<size_t>(row_group) >= file->row_group_rows.size())
    return -1;
  return file->row_group_rows[row_group];
}

FBPQ_EXPORT int64_t fbpq_row_group_compressed_bytes(const fbpq_file *file, int row_group) {
  if (!file || row_group < 0 || static_cast<size_t>(row_group) >= file->row_group_bytes.size())
    return -1;
  return file->row_group_bytes[row_group];
}

FBPQ_EXPORT int64_t fbpq_column_nulls_if_no_empty(const fbpq_file *file, int row_group, int column) {
  if (!file || row_group < 0 || static_cast<size_t>(row_group) >= file->row_group_rows.size() ||
      column < 0 || static_cast<size_t>(column) >= file->leaves.size())
    return -2;
  return Quiet<int64_t>(-1, [&]() -> int64_t {
    const auto &leaves = file->leaves[column];
    if (leaves.size() != 1) return -1;
    auto chunk = file->metadata->RowGroup(row_group)->ColumnChunk(leaves[0]);
    if (chunk->type() != parquet::Type::BYTE_ARRAY || !chunk->is_stats_set()) return -1;
    std::shared_ptr<parquet::Statistics> statistics = chunk->statistics();
    if (!statistics || !statistics->HasNullCount() || !statistics->HasMinMax()) return -1;
    const int64_t nulls = statistics->null_count();
    if (nulls < 0 || nulls > chunk->num_values() || statistics->EncodeMin().empty()) return -1;
    return nulls;
  });
}

FBPQ_EXPORT int fbpq_num_columns(const fbpq_file *file) {
  return file ? static_cast<int>(file->names.size()) : -1;
}

FBPQ_EXPORT const char *fbpq_column_name(const fbpq_file *file, int column) {
  if (!file || column < 0 || static_cast<size_t>(column) >= file->names.size()) return nullptr;
  return file->names[column].c_str();
}

FBPQ_EXPORT const char *fbpq_column_type(const fbpq_file *file, int column) {
  if (!file || column < 0 || static_cast<size_t>(column) >= file->types.size()) return nullptr;
  return file->types[column].c_str();
}

FBPQ_EXPORT int fbpq_column_is_text(const fbpq_file *file, int column) {
  if (!file || column < 0 || static_cast<size_t>(column) >= file->is_text.size()) return -1;
  return file->is_text[column];
}

FBPQ_EXPORT fbpq_batch *fbpq_read_row_group(fbpq_file *file, int row_group,
                                            const int *columns, int column_count,
                                            char *error, size_t error_capacity) {
  return Guarded<fbpq_batch *>("fbpq_read_row_group", error, error_capacity, nullptr,
                               [&]() -> fbpq_batch * {
    auto fail = [&](const std::string &message) -> fbpq_batch * {
      WriteError(error, error_capacity, "fbpq_read_row_group: " + message);
      return nullptr;
    };
    if (file == nullptr) return fail("file is NULL");
    const int num_groups = static_cast<int>(file->row_group_rows.size());
    if (row_group < 0 || row_group >= num_groups) {
      return fail("row group " + std::to_string(row_group) + " out of range (file has " +
                  std::to_string(num_groups) + ")");
    }
    if (column_count < 0 || (column_count > 0 && columns == nullptr)) {
      return fail("bad column list (count " + std::to_string(column_count) + ")");
    }
    const int num_fields = static_cast<int>(file->names.size());
    for (int k = 0; k < column_count; ++k) {
      if (columns[k] < 0 || columns[k] >= num_fields) {
        return fail("column " + std::to_string(columns[k]) + " out of range (file has " +
                    std::to_string(num_fields) + ")");
      }
    }

    auto batch = std::make_unique<fbpq_batch>();
    batch->num_rows = file->row_group_rows[row_group];
    if (column_count == 0) return batch.release();

    // ReadRowGroup takes Parquet leaf column indices and returns one Table column per
    // top-level field touched, in schema order. So read each distinct field once, in
    // field order, and map the caller's list onto the Table's columns.
    std::vector<int> fields(columns, columns + column_count);
    std::sort(fields.begin(), fields.end());
    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
    std::vector<int> leaves;
    for (int f : fields) {
      leaves.insert(leaves.end(), file->leaves[f].begin(), file->leaves[f].end());
    }
    const std::string what = "row group " + std::to_string(row_group) + ", columns [" +
                             JoinInts(columns, column_count) + "]: ";
    auto table = file->reader->ReadRowGroup(row_group, leaves);
    if (!table.ok()) return fail("reading " + what + table.status().ToString());
    if ((*table)->num_columns() != static_cast<int>(fields.size())) {
      return fail("reading " + what + "Arrow returned " +
                  std::to_string((*table)->num_columns()) + " columns for " +
                  std::to_string(fields.size()) + " fields");
    }
    batch->num_rows = (*table)->num_rows();

    // A field requested twice is flattened twice (rare; keeps every column self-owned).
    batch->columns.resize(column_count);
    for (int k = 0; k < column_count; ++k) {
      const int position = static_cast<int>(
          std::lower_bound(fields.begin(), fields.end(), columns[k]) - fields.begin());
      const auto &column = (*table)->column(position);
      if (column->length() != batch->num_rows) {
        return fail("reading " + what + "column " + std::to_string(columns[k]) + " has " +
                    std::to_string(column->length()) + " rows, table " +
                    std::to_string(batch->num_rows));
      }
      arrow::Status status = FlattenColumn(column, &batch->columns[k]);
      if (!status.ok()) {
        return fail("converting column " + std::to_string(columns[k]) + " ('" +
                    file->names[columns[k]] + "', " + file->types[columns[k]] + ") of " +
                    what + status.ToString());
      }
    }
    return batch.release();
  });
}

FBPQ_EXPORT int64_t fbpq_batch_num_rows(const fbpq_batch *batch) {
  return batch ? batch->num_rows : -1;
}

FBPQ_EXPORT int fbpq_batch_column(const fbpq_batch *batch, int k, const int64_t **offsets,
                                  const uint8_t **data, const uint8_t **valid) {
  const bool ok = batch && k >= 0 && static_cast<size_t>(k) < batch->columns.size();
  if (offsets) *offsets = ok ? batch->columns[k].offsets.get() : nullptr;
  if (data) *data = ok ? batch->columns[k].data : nullptr;
  if (valid) *valid = ok ? batch->columns[k].valid.get() : nullptr;
  return ok ? 0 : -1;
}

FBPQ_EXPORT void fbpq_batch_free(fbpq_batch *batch) {
  Quiet<int>(0, [&] {
    delete batch;
    return 0;
  });
}
