/* FreqBenchTorch: the libtorch implementation behind CTorchBridge, built as the shared
 * library libFreqBenchTorch.so that CTorchBridge loads on first use (dlopen).
 * Plain C API; every function that can fail returns 0 on success and -1 on error,
 * with a message copied into `err` (always NUL-terminated when errlen > 0). */
#ifndef FREQBENCHTORCH_H
#define FREQBENCHTORCH_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/** The libtorch version string, e.g. "1.13.0". */
const char *fbt_version(void);
int fbt_get_num_threads(void);
void fbt_set_num_threads(int n);

/** out[rows_a x cols_b] = a[rows_a x inner] @ b[inner x cols_b], computed by libtorch (float32). */
int fbt_matmul_f32(const float *a, const float *b, int64_t rows_a, int64_t inner, int64_t cols_b,
                   float *out, char *err, size_t errlen);

/** Describes the tensor stored in a torch `.pt` file (torch.save of a tensor):
 *  writes its dimensions into shape (up to 8) and their count into ndim. */
int fbt_pt_tensor_shape(const char *path, int64_t *shape, int64_t *ndim, char *err, size_t errlen);

/** Reads the tensor stored in a torch `.pt` file, converted to float32, into out (capacity elements). */
int fbt_pt_tensor_read_f32(const char *path, float *out, int64_t capacity, int64_t *numel,
                           char *err, size_t errlen);

/** Saves a float32 tensor of the given shape to a `.pt` file that Python's torch.load reads. */
int fbt_pt_tensor_write_f32(const char *path, const float *data, const int64_t *shape, int64_t ndim,
                            char *err, size_t errlen);

/** A loaded TorchScript module (torch.jit.load), in eval mode. */
typedef struct fbt_module fbt_module;

/** Loads a TorchScript file; returns NULL (message in err) when it cannot be loaded. */
fbt_module *fbt_module_load(const char *path, char *err, size_t errlen);
void fbt_module_free(fbt_module *module);

/** 1 when the module has a method of this name (e.g. "encode_image"), else 0. */
int fbt_module_has_method(fbt_module *module, const char *name);

/** Runs module.<method>(input) under no_grad on a float32 (input_is_int64 = 0) or int64
 *  (input_is_int64 = 1) tensor of the given shape. The result must be a tensor; it is
 *  converted to float32 and returned in *out (malloc'ed, free with fbt_buffer_free), its
 *  dimensions in out_shape (up to 8) and out_ndim. */
int fbt_module_run(fbt_module *module, const char *method, const void *input, int input_is_int64,
                   const int64_t *shape, int64_t ndim, float **out, int64_t *out_shape,
                   int64_t *out_ndim, char *err, size_t errlen);
void fbt_buffer_free(float *buffer);

#ifdef __cplusplus
}
#endif
#endif
