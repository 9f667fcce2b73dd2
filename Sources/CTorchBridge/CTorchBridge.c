/* Forwards the CTorchBridge API to libFreqBenchTorch.so, loaded with dlopen on first use.
 * Linking libtorch into the executable costs every command ~0.7 s of CPU at start-up
 * (about 300 shared libraries and their static initialisers); loading it lazily keeps
 * commands that do not need torch (index, search, verify, ...) fast. */
#define _GNU_SOURCE
#include "CTorchBridge.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *library;
static char load_error[1024];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void copy_message(const char *message, char *err, size_t errlen) {
    if (err == NULL || errlen == 0) return;
    strncpy(err, message, errlen - 1);
    err[errlen - 1] = '\0';
}

static void load_library(void) {
    const char *override = getenv("FREQBENCH_TORCH_LIBRARY");
    if (override != NULL && override[0] != '\0') {
        library = dlopen(override, RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) snprintf(load_error, sizeof load_error, "cannot load FREQBENCH_TORCH_LIBRARY=%s: %s", override, dlerror());
        return;
    }
    /* Next to the running executable (SwiftPM puts products of one build in one folder). */
    char executable[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length > 0) {
        executable[length] = '\0';
        char *slash = strrchr(executable, '/');
        if (slash != NULL) {
            char candidate[PATH_MAX + 32];
            *slash = '\0';
            snprintf(candidate, sizeof candidate, "%s/libFreqBenchTorch.so", executable);
            library = dlopen(candidate, RTLD_NOW | RTLD_LOCAL);
            if (library != NULL) return;
            snprintf(load_error, sizeof load_error, "cannot load %s: %s (build it with `swift build`, or set FREQBENCH_TORCH_LIBRARY)", candidate, dlerror());
        }
    }
    /* Then the loader's search path. */
    void *found = dlopen("libFreqBenchTorch.so", RTLD_NOW | RTLD_LOCAL);
    if (found != NULL) { library = found; load_error[0] = '\0'; }
    else if (load_error[0] == '\0') snprintf(load_error, sizeof load_error, "cannot load libFreqBenchTorch.so: %s", dlerror());
}

/* The implementation's symbol `name`, or NULL (with the reason in err) when unavailable. */
static void *symbol(const char *name, char *err, size_t errlen) {
    pthread_once(&load_once, load_library);
    if (library == NULL) { copy_message(load_error, err, errlen); return NULL; }
    void *address = dlsym(library, name);
    if (address == NULL) {
        char message[512];
        snprintf(message, sizeof message, "libFreqBenchTorch.so lacks %s: %s", name, dlerror());
        copy_message(message, err, errlen);
    }
    return address;
}

int ctb_available(char *err, size_t errlen) { return symbol("fbt_version", err, errlen) != NULL; }

const char *ctb_version(void) {
    const char *(*function)(void) = (const char *(*)(void))symbol("fbt_version", NULL, 0);
    return function != NULL ? function() : "unavailable";
}

int ctb_get_num_threads(void) {
    int (*function)(void) = (int (*)(void))symbol("fbt_get_num_threads", NULL, 0);
    return function != NULL ? function() : 0;
}

void ctb_set_num_threads(int n) {
    void (*function)(int) = (void (*)(int))symbol("fbt_set_num_threads", NULL, 0);
    if (function != NULL) function(n);
}

int ctb_matmul_f32(const float *a, const float *b, int64_t rows_a, int64_t inner, int64_t cols_b,
                   float *out, char *err, size_t errlen) {
    int (*function)(const float *, const float *, int64_t, int64_t, int64_t, float *, char *, size_t) =
        (int (*)(const float *, const float *, int64_t, int64_t, int64_t, float *, char *, size_t))symbol("fbt_matmul_f32", err, errlen);
    return function != NULL ? function(a, b, rows_a, inner, cols_b, out, err, errlen) : -1;
}

int ctb_pt_tensor_shape(const char *path, int64_t *shape, int64_t *ndim, char *err, size_t errlen) {
    int (*function)(const char *, int64_t *, int64_t *, char *, size_t) =
        (int (*)(const char *, int64_t *, int64_t *, char *, size_t))symbol("fbt_pt_tensor_shape", err, errlen);
    return function != NULL ? function(path, shape, ndim, err, errlen) : -1;
}

int ctb_pt_tensor_read_f32(const char *path, float *out, int64_t capacity, int64_t *numel,
                           char *err, size_t errlen) {
    int (*function)(const char *, float *, int64_t, int64_t *, char *, size_t) =
        (int (*)(const char *, float *, int64_t, int64_t *, char *, size_t))symbol("fbt_pt_tensor_read_f32", err, errlen);
    return function != NULL ? function(path, out, capacity, numel, err, errlen) : -1;
}

int ctb_pt_tensor_write_f32(const char *path, const float *data, const int64_t *shape, int64_t ndim,
                            char *err, size_t errlen) {
    int (*function)(const char *, const float *, const int64_t *, int64_t, char *, size_t) =
        (int (*)(const char *, const float *, const int64_t *, int64_t, char *, size_t))symbol("fbt_pt_tensor_write_f32", err, errlen);
    return function != NULL ? function(path, data, shape, ndim, err, errlen) : -1;
}

ctb_module *ctb_module_load(const char *path, char *err, size_t errlen) {
    ctb_module *(*function)(const char *, char *, size_t) =
        (ctb_module *(*)(const char *, char *, size_t))symbol("fbt_module_load", err, errlen);
    return function != NULL ? function(path, err, errlen) : NULL;
}

void ctb_module_free(ctb_module *module) {
    if (module == NULL) return;
    void (*function)(ctb_module *) = (void (*)(ctb_module *))symbol("fbt_module_free", NULL, 0);
    if (function != NULL) function(module);
}

int ctb_module_has_method(ctb_module *module, const char *name) {
    int (*function)(ctb_module *, const char *) = (int (*)(ctb_module *, const char *))symbol("fbt_module_has_method", NULL, 0);
    return function != NULL ? function(module, name) : 0;
}

int ctb_module_run(ctb_module *module, const char *method, const void *input, int input_is_int64,
                   const int64_t *shape, int64_t ndim, float **out, int64_t *out_shape,
                   int64_t *out_ndim, char *err, size_t errlen) {
    int (*function)(ctb_module *, const char *, const void *, int, const int64_t *, int64_t, float **, int64_t *, int64_t *, char *, size_t) =
        (int (*)(ctb_module *, const char *, const void *, int, const int64_t *, int64_t, float **, int64_t *, int64_t *, char *, size_t))symbol("fbt_module_run", err, errlen);
    return function != NULL ? function(module, method, input, input_is_int64, shape, ndim, out, out_shape, out_ndim, err, errlen) : -1;
}

void ctb_buffer_free(float *buffer) {
    if (buffer == NULL) return;
    void (*function)(float *) = (void (*)(float *))symbol("fbt_buffer_free", NULL, 0);
    if (function != NULL) function(buffer);
}
