/* Loads libFreqBenchParquet.so with dlopen and forwards the cpq_ calls to it. Linking Arrow
 * into the executable would make every command load ~50 MB of libraries and make the build
 * depend on the pyarrow wheel; loading it on first use keeps both out of the way. */
#define _GNU_SOURCE
#include "CParquetBridge.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
    const char *(*version)(void);
    fbpq_file *(*open)(const char *, char *, size_t);
    void (*close)(fbpq_file *);
    int64_t (*num_rows)(const fbpq_file *);
    int (*num_row_groups)(const fbpq_file *);
    int64_t (*row_group_num_rows)(const fbpq_file *, int);
    int64_t (*row_group_compressed_bytes)(const fbpq_file *, int);
    int (*num_columns)(const fbpq_file *);
    const char *(*column_name)(const fbpq_file *, int);
    const char *(*column_type)(const fbpq_file *, int);
    int (*column_is_text)(const fbpq_file *, int);
    int64_t (*column_nulls_if_no_empty)(const fbpq_file *, int, int);
    fbpq_batch *(*read_row_group)(fbpq_file *, int, const int *, int, char *, size_t);
    int64_t (*batch_num_rows)(const fbpq_batch *);
    int (*batch_column)(const fbpq_batch *, int, const int64_t **, const uint8_t **, const uint8_t **);
    void (*batch_free)(fbpq_batch *);
} api;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static char load_error[1024];

int cpq_load(const char *path, char *err, size_t errlen) {
    pthread_mutex_lock(&load_lock);
    if (!loaded && load_error[0] == '\0') {
        void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) {
            snprintf(load_error, sizeof load_error, "cannot load %s: %s (run ci/setup-arrow, or set FREQBENCH_PARQUET_LIBRARY)", path, dlerror());
        } else {
#define LOOKUP(field, name) \
            if (load_error[0] == '\0' && (*(void **)&api.field = dlsym(library, name)) == NULL) \
                snprintf(load_error, sizeof load_error, "%s lacks %s (rebuild it with ci/setup-arrow)", path, name);
            LOOKUP(version, "fbpq_version")
            LOOKUP(open, "fbpq_open")
            LOOKUP(close, "fbpq_close")
            LOOKUP(num_rows, "fbpq_num_rows")
            LOOKUP(num_row_groups, "fbpq_num_row_groups")
            LOOKUP(row_group_num_rows, "fbpq_row_group_num_rows")
            LOOKUP(row_group_compressed_bytes, "fbpq_row_group_compressed_bytes")
            LOOKUP(num_columns, "fbpq_num_columns")
            LOOKUP(column_name, "fbpq_column_name")
            LOOKUP(column_type, "fbpq_column_type")
            LOOKUP(column_is_text, "fbpq_column_is_text")
            LOOKUP(column_nulls_if_no_empty, "fbpq_column_nulls_if_no_empty")
            LOOKUP(read_row_group, "fbpq_read_row_group")
            LOOKUP(batch_num_rows, "fbpq_batch_num_rows")
            LOOKUP(batch_column, "fbpq_batch_column")
            LOOKUP(batch_free, "fbpq_batch_free")
#undef LOOKUP
            loaded = load_error[0] == '\0';
        }
    }
    int result = loaded;
    if (!result && err != NULL && errlen > 0) {
        strncpy(err, load_error, errlen - 1);
        err[errlen - 1] = '\0';
    }
    pthread_mutex_unlock(&load_lock);
    return result;
}

/* The forwarders below are called only after a successful cpq_load (ParquetLibrary checks). */
const char *cpq_version(void) { return api.version(); }
fbpq_file *cpq_open(const char *path, char *error, size_t capacity) { return api.open(path, error, capacity); }
void cpq_close(fbpq_file *file) { api.close(file); }
int64_t cpq_num_rows(const fbpq_file *file) { return api.num_rows(file); }
int cpq_num_row_groups(const fbpq_file *file) { return api.num_row_groups(file); }
int64_t cpq_row_group_num_rows(const fbpq_file *file, int group) { return api.row_group_num_rows(file, group); }
int64_t cpq_row_group_compressed_bytes(const fbpq_file *file, int group) { return api.row_group_compressed_bytes(file, group); }
int cpq_num_columns(const fbpq_file *file) { return api.num_columns(file); }
const char *cpq_column_name(const fbpq_file *file, int column) { return api.column_name(file, column); }
const char *cpq_column_type(const fbpq_file *file, int column) { return api.column_type(file, column); }
int cpq_column_is_text(const fbpq_file *file, int column) { return api.column_is_text(file, column); }
int64_t cpq_column_nulls_if_no_empty(const fbpq_file *file, int group, int column) {
    return api.column_nulls_if_no_empty(file, group, column);
}
fbpq_batch *cpq_read_row_group(fbpq_file *file, int group, const int *columns, int count, char *error, size_t capacity) {
    return api.read_row_group(file, group, columns, count, error, capacity);
}
int64_t cpq_batch_num_rows(const fbpq_batch *batch) { return api.batch_num_rows(batch); }
int cpq_batch_column(const fbpq_batch *batch, int k, const int64_t **offsets, const uint8_t **data, const uint8_t **valid) {
    return api.batch_column(batch, k, offsets, data, valid);
}
void cpq_batch_free(fbpq_batch *batch) { api.batch_free(batch); }
