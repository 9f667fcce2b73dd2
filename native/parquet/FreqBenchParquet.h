/*
 * FreqBenchParquet: a small C API over Apache Arrow's C++ Parquet reader
 * (parquet::arrow::FileReader), for FreqBench to dlopen. Built by ci/setup-arrow into
 * .cache/arrow/libFreqBenchParquet.so against the libarrow/libparquet of the pinned pyarrow
 * wheel in .venv-arrow. Pure C: no Arrow type crosses this boundary, and no C++ exception
 * escapes it.
 *
 * Errors: every function that takes `error` writes a NUL-terminated message into it
 * (truncated to error_capacity; error may be NULL or error_capacity 0 to ignore it) and
 * returns NULL or -1. The message names the fbpq_ function and what it was doing, then
 * Arrow's own Status text where the failure comes from Arrow, e.g.
 *   "fbpq_open: IOError: Failed to open local file 'x.parquet'. Detail: [errno 2] ..."
 * The caller adds the file and row group names it knows.
 *
 * Threads: an fbpq_file (and the batches read from it) may be used by one thread at a
 * time; different files may be used from different threads at once. Reading itself is
 * single-threaded (Arrow's use_threads is off; the caller parallelizes over files and row
 * groups).
 */
#ifndef FREQBENCH_PARQUET_H
#define FREQBENCH_PARQUET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fbpq_file fbpq_file;
typedef struct fbpq_batch fbpq_batch;

/* The Arrow C++ library actually loaded, e.g. "Arrow 26.0.1". Static storage; never NULL. */
const char *fbpq_version(void);

/* Opens a Parquet file and reads its footer only (schema and row group metadata); no
 * column data is read. Returns NULL on error. */
fbpq_file *fbpq_open(const char *path, char *error, size_t error_capacity);
/* Closes the file. NULL is allowed. Batches read from it stay valid (they own their data). */
void fbpq_close(fbpq_file *file);

/* Footer facts. On a NULL file or an index out of range these return -1 (counts, sizes)
 * or NULL (strings). */
int64_t fbpq_num_rows(const fbpq_file *file);
int fbpq_num_row_groups(const fbpq_file *file);
int64_t fbpq_row_group_num_rows(const fbpq_file *file, int row_group);
/* Sum of the row group's column chunks' total_compressed_size (bytes on disk): for
 * byte-balanced sharding. */
int64_t fbpq_row_group_compressed_bytes(const fbpq_file *file, int row_group);

/* Top-level fields of the file's Arrow schema (for a flat file: its columns). */
int fbpq_num_columns(const fbpq_file *file);
const char *fbpq_column_name(const fbpq_file *file, int column);
/* Arrow's DataType::ToString(): "string", "large_string", "int64",
 * "dictionary<values=string, indices=int32, ordered=0>", ... */
const char *fbpq_column_type(const fbpq_file *file, int column);
/* 1 if the column is UTF-8 text as stored: string, large_string, string_view, or a
 * dictionary whose values are one of those. 0 otherwise -- binary included (it is read
 * through a cast that validates UTF-8, see below); -1 on a bad file or index. */
int fbpq_column_is_text(const fbpq_file *file, int column);

/* From the footer alone: the number of nulls in the column chunk of top-level field `column`
 * in `row_group`, when its statistics show that no present value is empty -- a single leaf
 * whose statistics have a null count and a non-empty minimum (the empty string is below every
 * other value in any byte order, so a non-empty minimum, even a truncated one, rules it out).
 * -1 when that is not known (no statistics, an empty or absent minimum, a nested field); -2
 * on a bad file or index. Plans use it to count a row group's kept rows without reading it. */
int64_t fbpq_column_nulls_if_no_empty(const fbpq_file *file, int row_group, int column);

/* Reads columns[0..<column_count] (top-level field indices, any order, repeats allowed)
 * of one row group into a batch that owns its memory; only that row group is held in
 * memory. Text columns come back as their UTF-8 bytes; any other column is converted with
 * Arrow's cast to string (int64 SAMPLE_ID -> "123", float64 -> "0.25", bool -> "true",
 * binary -> the same bytes after UTF-8 validation); a type Arrow cannot cast to string
 * (struct, list, ...) is an error. Text columns are NOT validated as UTF-8: Arrow's Parquet
 * reader passes a string column's bytes through as stored (pandas would fail on invalid
 * UTF-8 there), so the caller decides to validate or repair. Returns NULL on error. */
fbpq_batch *fbpq_read_row_group(fbpq_file *file, int row_group, const int *columns,
                                int column_count, char *error, size_t error_capacity);

int64_t fbpq_batch_num_rows(const fbpq_batch *batch);
/* Column k (index into the `columns` array given to fbpq_read_row_group): row i is
 * data[offsets[i] ..< offsets[i+1]]; offsets has num_rows+1 int64 entries and
 * offsets[0] == 0; valid has num_rows bytes, 1 = present, 0 = null (a null row's range is
 * empty). Pointers are never NULL and stay valid until fbpq_batch_free. Strings are not
 * NUL-terminated. Returns 0, or -1 (pointers set to NULL) when k is out of range. */
int fbpq_batch_column(const fbpq_batch *batch, int k, const int64_t **offsets,
                      const uint8_t **data, const uint8_t **valid);
/* Frees the batch. NULL is allowed. */
void fbpq_batch_free(fbpq_batch *batch);

#ifdef __cplusplus
}
#endif

#endif /* FREQBENCH_PARQUET_H */
