/*
 * Smoke test and benchmark for libFreqBenchParquet.so, in plain C, through dlopen (as the
 * Swift side loads it).
 *
 *   cc -O2 -Wall -o /tmp/fbpq_smoke native/parquet/smoke_test.c -ldl
 *   /tmp/fbpq_smoke FILE.parquet...          # human-readable report
 *   /tmp/fbpq_smoke --texts FILE.parquet...  # one JSON line per file: kept captions
 *   /tmp/fbpq_smoke --bench big.parquet                 # read caption+url of every row group
 *
 * --lib PATH picks the library (default .cache/arrow/libFreqBenchParquet.so). "Kept" is
 * upstream's rule: caption and url both non-null and non-empty (spaces-only is kept).
 * The caption column is the first of caption / TEXT / text, the url column the first of
 * url / URL. Exit status 1 when an API check fails (not when a bad file is rejected: that
 * is what the bad fixtures are for).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "FreqBenchParquet.h"

/* The API, resolved with dlsym; the types come from the header's prototypes. */
#define FBPQ_FUNCTIONS(X)                                                               \
  X(fbpq_version) X(fbpq_open) X(fbpq_close) X(fbpq_num_rows) X(fbpq_num_row_groups)    \
  X(fbpq_row_group_num_rows) X(fbpq_row_group_compressed_bytes) X(fbpq_num_columns)     \
  X(fbpq_column_name) X(fbpq_column_type) X(fbpq_column_is_text) X(fbpq_read_row_group) \
  X(fbpq_batch_num_rows) X(fbpq_batch_column) X(fbpq_batch_free)

static struct {
#define DECLARE(name) __typeof__(name) *name;
  FBPQ_FUNCTIONS(DECLARE)
#undef DECLARE
} api;

static int failures = 0;
#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "CHECK FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                          \
    }                                                                      \
  } while (0)

static void load(const char *path) {
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    exit(2);
  }
#define RESOLVE(name)                                          \
  api.name = (__typeof__(name) *)dlsym(handle, #name);         \
  if (!api.name) {                                             \
    fprintf(stderr, "dlsym %s: %s\n", #name, dlerror());       \
    exit(2);                                                   \
  }
  FBPQ_FUNCTIONS(RESOLVE)
#undef RESOLVE
}

/* Prints bytes as a JSON string (UTF-8 passed through, controls escaped). */
static void print_json_string(FILE *out, const uint8_t *s, int64_t n) {
  fputc('"', out);
  for (int64_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
    else if (c == '\n') fputs("\\n", out);
    else if (c == '\t') fputs("\\t", out);
    else if (c < 0x20) fprintf(out, "\\u%04x", c);
    else fputc(c, out);
  }
  fputc('"', out);
}

static int find_column(fbpq_file *f, const char *const *names, int count) {
  for (int k = 0; k < count; k++)
    for (int c = 0; c < api.fbpq_num_columns(f); c++)
      if (strcmp(api.fbpq_column_name(f, c), names[k]) == 0) return c;
  return -1;
}

static const char *const kCaptionNames[] = {"caption", "TEXT", "text"};
static const char *const kUrlNames[] = {"url", "URL"};

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int thread_count(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int threads = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Threads: %d", &threads) == 1) break;
  if (f) fclose(f);
  return threads;
}

/* Checks the batch layout invariants of one column. */
static void check_column(const fbpq_batch *b, int k) {
  const int64_t *off;
  const uint8_t *data, *valid;
  CHECK(api.fbpq_batch_column(b, k, &off, &data, &valid) == 0);
  CHECK(off && data && valid);
  int64_t n = api.fbpq_batch_num_rows(b);
  CHECK(off[0] == 0);
  for (int64_t i = 0; i < n; i++) {
    CHECK(off[i + 1] >= off[i]);
    CHECK(valid[i] == 0 || valid[i] == 1);
    if (!valid[i]) CHECK(off[i + 1] == off[i]);
  }
}

/* ---- --texts: one JSON line per file with the captions upstream keeps ---- */
static void texts(const char *path) {
  char error[1024];
  printf("{\"file\": ");
  print_json_string(stdout, (const uint8_t *)base_name(path), strlen(base_name(path)));
  fbpq_file *f = api.fbpq_open(path, error, sizeof error);
  if (!f) {
    printf(", \"error\": ");
    print_json_string(stdout, (const uint8_t *)error, strlen(error));
    printf("}\n");
    return;
  }
  int cap = find_column(f, kCaptionNames, 3), url = find_column(f, kUrlNames, 2);
  if (cap < 0 || url < 0) {
    printf(", \"texts\": null}\n");
    api.fbpq_close(f);
    return;
  }
  printf(", \"texts\": [");
  int first = 1, failed = 0;
  for (int rg = 0; rg < api.fbpq_num_row_groups(f) && !failed; rg++) {
    int cols[2] = {cap, url};
    fbpq_batch *b = api.fbpq_read_row_group(f, rg, cols, 2, error, sizeof error);
    if (!b) {
      failed = 1;
      break;
    }
    const int64_t *co, *uo;
    const uint8_t *cd, *cv, *ud, *uv;
    api.fbpq_batch_column(b, 0, &co, &cd, &cv);
    api.fbpq_batch_column(b, 1, &uo, &ud, &uv);
    for (int64_t i = 0; i < api.fbpq_batch_num_rows(b); i++) {
      if (cv[i] && uv[i] && co[i + 1] > co[i] && uo[i + 1] > uo[i]) {
        if (!first) printf(", ");
        first = 0;
        print_json_string(stdout, cd + co[i], co[i + 1] - co[i]);
      }
    }
    api.fbpq_batch_free(b);
  }
  printf("]");
  if (failed) {
    printf(", \"error\": ");
    print_json_string(stdout, (const uint8_t *)error, strlen(error));
  }
  printf("}\n");
  api.fbpq_close(f);
}

/* ---- default: human-readable report plus API checks ---- */
static void report(const char *path) {
  char error[1024];
  printf("== %s\n", base_name(path));
  error[0] = 'x';
  fbpq_file *f = api.fbpq_open(path, error, sizeof error);
  if (!f) {
    printf("  open failed: %s\n", error);
    CHECK(strncmp(error, "fbpq_open: ", 11) == 0);
    return;
  }
  int groups = api.fbpq_num_row_groups(f), columns = api.fbpq_num_columns(f);
  printf("  rows %lld, row groups %d:", (long long)api.fbpq_num_rows(f), groups);
  int64_t sum = 0;
  for (int rg = 0; rg < groups; rg++) {
    printf(" [%lld rows, %lld B]", (long long)api.fbpq_row_group_num_rows(f, rg),
           (long long)api.fbpq_row_group_compressed_bytes(f, rg));
    sum += api.fbpq_row_group_num_rows(f, rg);
  }
  printf("\n");
  CHECK(sum == api.fbpq_num_rows(f));
  for (int c = 0; c < columns; c++)
    printf("  column %d %-14s %-55s text=%d\n", c, api.fbpq_column_name(f, c),
           api.fbpq_column_type(f, c), api.fbpq_column_is_text(f, c));

  /* Out-of-range arguments answer -1 / NULL / an error, never crash. */
  CHECK(api.fbpq_row_group_num_rows(f, groups) == -1);
  CHECK(api.fbpq_row_group_compressed_bytes(f, -1) == -1);
  CHECK(api.fbpq_column_name(f, columns) == NULL);
  CHECK(api.fbpq_column_type(f, -1) == NULL);
  CHECK(api.fbpq_column_is_text(f, columns) == -1);
  fbpq_batch *none = api.fbpq_read_row_group(f, groups, NULL, 0, error, sizeof error);
  CHECK(none == NULL && strstr(error, "out of range"));
  if (groups > 0) {
    int bad_column = columns;
    none = api.fbpq_read_row_group(f, 0, &bad_column, 1, error, sizeof error);
    CHECK(none == NULL && strstr(error, "out of range"));
    /* No columns: a batch with the row group's row count. */
    fbpq_batch *empty = api.fbpq_read_row_group(f, 0, NULL, 0, error, sizeof error);
    CHECK(empty && api.fbpq_batch_num_rows(empty) == api.fbpq_row_group_num_rows(f, 0));
    api.fbpq_batch_free(empty);
  }

  int cap = find_column(f, kCaptionNames, 3), url = find_column(f, kUrlNames, 2);
  printf("  caption column %d, url column %d\n", cap, url);

  /* Every column of every row group, in reverse order, with a repeat: checks the field ->
   * leaf mapping, the cast of non-text columns, and the layout invariants. */
  int64_t kept = 0;
  for (int rg = 0; rg < groups; rg++) {
    int all[64], count = 0;
    for (int c = columns - 1; c >= 0 && count < 63; c--) all[count++] = c;
    if (cap >= 0) all[count++] = cap; /* a repeat */
    fbpq_batch *b = api.fbpq_read_row_group(f, rg, all, count, error, sizeof error);
    if (!b) {
      printf("  row group %d, all columns: %s\n", rg, error);
      /* Retry with the caption and url only. */
      int two[2] = {cap, url}, n2 = (cap >= 0) + (url >= 0);
      if (cap < 0) two[0] = url;
      b = n2 ? api.fbpq_read_row_group(f, rg, two, n2, error, sizeof error) : NULL;
      if (!b) {
        if (n2) printf("  row group %d, caption/url: %s\n", rg, error);
        continue;
      }
      count = n2;
      memcpy(all, two, sizeof two);
    }
    CHECK(api.fbpq_batch_num_rows(b) == api.fbpq_row_group_num_rows(f, rg));
    for (int k = 0; k < count; k++) check_column(b, k);
    CHECK(api.fbpq_batch_column(b, count, NULL, NULL, NULL) == -1);
    int ck = -1, uk = -1;
    for (int k = 0; k < count; k++) {
      if (all[k] == cap && ck < 0) ck = k;
      if (all[k] == url && uk < 0) uk = k;
    }
    const int64_t *co = NULL, *uo = NULL;
    const uint8_t *cd = NULL, *cv = NULL, *ud = NULL, *uv = NULL;
    if (ck >= 0) api.fbpq_batch_column(b, ck, &co, &cd, &cv);
    if (uk >= 0) api.fbpq_batch_column(b, uk, &uo, &ud, &uv);
    if (rg == 0 && ck >= 0) {
      printf("  row group 0 (%lld rows), caption | url:\n", (long long)api.fbpq_batch_num_rows(b));
      for (int64_t i = 0; i < api.fbpq_batch_num_rows(b); i++) {
        printf("    ");
        if (cv[i]) print_json_string(stdout, cd + co[i], co[i + 1] - co[i]);
        else printf("null");
        printf(" | ");
        if (uk < 0) printf("-");
        else if (uv[i]) print_json_string(stdout, ud + uo[i], uo[i + 1] - uo[i]);
        else printf("null");
        printf("\n");
      }
    }
    if (rg == 0 && columns > 0) {
      /* The first row of every column, as text. */
      printf("  row group 0, row 0 of each column:");
      for (int k = 0; k < count - (cap >= 0 && count > columns); k++) {
        const int64_t *o;
        const uint8_t *d, *v;
        api.fbpq_batch_column(b, k, &o, &d, &v);
        if (api.fbpq_batch_num_rows(b) == 0) break;
        printf(" %s=", api.fbpq_column_name(f, all[k]));
        if (v[0]) print_json_string(stdout, d + o[0], o[1] - o[0]);
        else printf("null");
      }
      printf("\n");
    }
    if (ck >= 0 && uk >= 0)
      for (int64_t i = 0; i < api.fbpq_batch_num_rows(b); i++)
        kept += cv[i] && uv[i] && co[i + 1] > co[i] && uo[i + 1] > uo[i];
    api.fbpq_batch_free(b);
  }
  if (cap >= 0 && url >= 0) printf("  kept (caption and url non-empty): %lld\n", (long long)kept);
  api.fbpq_close(f);
}

/* ---- --bench: caption+url of every row group, one thread ---- */
static void bench(const char *path) {
  char error[1024];
  double t0 = now();
  fbpq_file *f = api.fbpq_open(path, error, sizeof error);
  if (!f) {
    printf("%s: %s\n", path, error);
    failures++;
    return;
  }
  int cols[2] = {find_column(f, kCaptionNames, 3), find_column(f, kUrlNames, 2)};
  int64_t rows = 0, kept = 0, caption_bytes = 0, url_bytes = 0, compressed = 0;
  for (int rg = 0; rg < api.fbpq_num_row_groups(f); rg++) {
    fbpq_batch *b = api.fbpq_read_row_group(f, rg, cols, 2, error, sizeof error);
    if (!b) {
      printf("%s: %s\n", path, error);
      failures++;
      break;
    }
    const int64_t *co, *uo;
    const uint8_t *cd, *cv, *ud, *uv;
    api.fbpq_batch_column(b, 0, &co, &cd, &cv);
    api.fbpq_batch_column(b, 1, &uo, &ud, &uv);
    int64_t n = api.fbpq_batch_num_rows(b);
    for (int64_t i = 0; i < n; i++) {
      if (cv[i] && uv[i] && co[i + 1] > co[i] && uo[i + 1] > uo[i]) {
        kept++;
        caption_bytes += co[i + 1] - co[i];
      }
    }
    url_bytes += uo[n];
    rows += n;
    compressed += api.fbpq_row_group_compressed_bytes(f, rg);
    api.fbpq_batch_free(b);
  }
  api.fbpq_close(f);
  double s = now() - t0;
  printf("%s: %lld rows (%lld kept, %.1f MB kept captions, %.1f MB urls) in %.3f s: "
         "%.2f M rows/s, %.1f MB/s decoded caption+url, %.1f MB/s of the file's "
         "row groups (all columns' compressed bytes %.1f MB); threads now %d\n",
         base_name(path), (long long)rows, (long long)kept, caption_bytes / 1e6,
         url_bytes / 1e6, s, rows / s / 1e6, (caption_bytes + url_bytes) / s / 1e6,
         compressed / s / 1e6, compressed / 1e6, thread_count());
}

int main(int argc, char **argv) {
  const char *lib = ".cache/arrow/libFreqBenchParquet.so";
  enum { REPORT, TEXTS, BENCH } mode = REPORT;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--lib") == 0 && i + 1 < argc) lib = argv[++i];
    else if (strcmp(argv[i], "--texts") == 0) mode = TEXTS;
    else if (strcmp(argv[i], "--bench") == 0) mode = BENCH;
    else {
      fprintf(stderr, "usage: %s [--lib PATH] [--texts | --bench] FILE...\n", argv[0]);
      return 2;
    }
  }
  load(lib);
  if (mode == REPORT) {
    printf("%s\n", api.fbpq_version());
    char error[64];
    CHECK(api.fbpq_open(NULL, error, sizeof error) == NULL);
    CHECK(api.fbpq_open("/nonexistent/x.parquet", NULL, 0) == NULL); /* no error buffer */
    CHECK(api.fbpq_open("/nonexistent/x.parquet", error, 8) == NULL && strlen(error) == 7);
    CHECK(api.fbpq_num_rows(NULL) == -1 && api.fbpq_num_columns(NULL) == -1);
    CHECK(api.fbpq_read_row_group(NULL, 0, NULL, 0, error, sizeof error) == NULL);
    CHECK(api.fbpq_batch_num_rows(NULL) == -1);
    api.fbpq_close(NULL);
    api.fbpq_batch_free(NULL);
  }
  for (; i < argc; i++) {
    if (mode == REPORT) report(argv[i]);
    else if (mode == TEXTS) texts(argv[i]);
    else bench(argv[i]);
  }
  if (mode == REPORT) printf("threads at exit: %d\n%d check(s) failed\n", thread_count(), failures);
  return failures ? 1 : 0;
}
