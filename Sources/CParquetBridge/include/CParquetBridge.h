/* FreqBench's view of libFreqBenchParquet.so (native/parquet/FreqBenchParquet.h, built by
 * ci/setup-arrow against the pinned pyarrow wheel's libarrow/libparquet). The library is
 * loaded with dlopen on first use, so that FreqBench builds and runs without Arrow and
 * only parquet corpora need it. Each cpq_ function forwards to the fbpq_ function of the
 * same name; see that header for the semantics. */
#ifndef CPARQUET_BRIDGE_H
#define CPARQUET_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fbpq_file fbpq_file;
typedef struct fbpq_batch fbpq_batch;

/* Loads the library at `path` (once; later calls return the first result). 1 on success,
 * 0 with the reason in err. */
int cpq_load(const char *path, char *err, size_t errlen);
const char *cpq_version(void);
fbpq_file *cpq_open(const char *path, char *error, size_t error_capacity);
void cpq_close(fbpq_file *file);
int64_t cpq_num_rows(const fbpq_file *file);
int cpq_num_row_groups(const fbpq_file *file);
int64_t cpq_row_group_num_rows(const fbpq_file *file, int row_group);
int64_t cpq_row_group_compressed_bytes(const fbpq_file *file, int row_group);
int cpq_num_columns(const fbpq_file *file);
const char *cpq_column_name(const fbpq_file *file, int column);
const char *cpq_column_type(const fbpq_file *file, int column);
int cpq_column_is_text(const fbpq_file *file, int column);
int64_t cpq_column_nulls_if_no_empty(const fbpq_file *file, int row_group, int column);
fbpq_batch *cpq_read_row_group(fbpq_file *file, int row_group, const int *columns, int column_count,
                               char *error, size_t error_capacity);
int64_t cpq_batch_num_rows(const fbpq_batch *batch);
int cpq_batch_column(const fbpq_batch *batch, int k, const int64_t **offsets, const uint8_t **data,
                     const uint8_t **valid);
void cpq_batch_free(fbpq_batch *batch);

#endif
