// libtorch behind a C API, built as libFreqBenchTorch.so and loaded by CTorchBridge on first use. Keep every libtorch include in this file (or a few like it):
// each translation unit that includes torch/script.h costs ~7.5 s and 0.5 GB to compile.
#include "FreqBenchTorch.h"

#include <torch/script.h>
#include <torch/version.h>
#include <ATen/Parallel.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

void copy_error(const char *message, char *err, size_t errlen) {
    if (err == nullptr || errlen == 0) return;
    std::strncpy(err, message, errlen - 1);
    err[errlen - 1] = '\0';
}

template <typename Body>
int guarded(char *err, size_t errlen, Body body) {
    try {
        body();
        return 0;
    } catch (const c10::Error &e) {
        copy_error(e.what_without_backtrace(), err, errlen);
    } catch (const std::exception &e) {
        copy_error(e.what(), err, errlen);
    } catch (...) {
        copy_error("unknown libtorch error", err, errlen);
    }
    return -1;
}

at::Tensor load_pt_tensor(const char *path) {
    std::ifstream input(path, std::ios::binary);
    if (!input) throw std::runtime_error(std::string("cannot open ") + path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
    c10::IValue value = torch::jit::pickle_load(bytes);
    if (!value.isTensor()) {
        throw std::runtime_error(std::string(path) + " does not hold a tensor (found " +
                                 value.tagKind() + ")");
    }
    return value.toTensor();
}

}  // namespace

struct fbt_module {
    torch::jit::Module module;
};

extern "C" {

const char *fbt_version(void) { return TORCH_VERSION; }
int fbt_get_num_threads(void) { return at::get_num_threads(); }
void fbt_set_num_threads(int n) { at::set_num_threads(n); }

int fbt_matmul_f32(const float *a, const float *b, int64_t rows_a, int64_t inner, int64_t cols_b,
                   float *out, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        torch::NoGradGuard no_grad;
        at::Tensor ta = torch::from_blob(const_cast<float *>(a), {rows_a, inner}, torch::kFloat32);
        at::Tensor tb = torch::from_blob(const_cast<float *>(b), {inner, cols_b}, torch::kFloat32);
        at::Tensor c = torch::matmul(ta, tb).contiguous();
        std::memcpy(out, c.data_ptr<float>(), sizeof(float) * rows_a * cols_b);
    });
}

int fbt_pt_tensor_shape(const char *path, int64_t *shape, int64_t *ndim, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        at::Tensor t = load_pt_tensor(path);
        if (t.dim() > 8) throw std::runtime_error("tensor has more than 8 dimensions");
        *ndim = t.dim();
        for (int64_t i = 0; i < t.dim(); ++i) shape[i] = t.size(i);
    });
}

int fbt_pt_tensor_read_f32(const char *path, float *out, int64_t capacity, int64_t *numel,
                           char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        at::Tensor t = load_pt_tensor(path).to(at::kFloat).contiguous();
        *numel = t.numel();
        if (t.numel() > capacity) throw std::runtime_error("output buffer too small");
        std::memcpy(out, t.data_ptr<float>(), sizeof(float) * t.numel());
    });
}

int fbt_pt_tensor_write_f32(const char *path, const float *data, const int64_t *shape, int64_t ndim,
                            char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        std::vector<int64_t> dims(shape, shape + ndim);
        at::Tensor t = torch::from_blob(const_cast<float *>(data), dims, torch::kFloat32).clone();
        std::vector<char> bytes = torch::jit::pickle_save(t);
        std::ofstream output(path, std::ios::binary | std::ios::trunc);
        if (!output) throw std::runtime_error(std::string("cannot write ") + path);
        output.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!output) throw std::runtime_error(std::string("write failed: ") + path);
    });
}

fbt_module *fbt_module_load(const char *path, char *err, size_t errlen) {
    std::unique_ptr<fbt_module> loaded;
    int status = guarded(err, errlen, [&] {
        std::ifstream probe(path, std::ios::binary);
        if (!probe) throw std::runtime_error(std::string("cannot open ") + path);
        loaded.reset(new fbt_module{torch::jit::load(path, torch::kCPU)});
        loaded->module.eval();
    });
    return status == 0 ? loaded.release() : nullptr;
}

void fbt_module_free(fbt_module *module) { delete module; }

int fbt_module_has_method(fbt_module *module, const char *name) {
    if (module == nullptr) return 0;
    return module->module.find_method(name).has_value() ? 1 : 0;
}

int fbt_module_run(fbt_module *module, const char *method, const void *input, int input_is_int64,
                   const int64_t *shape, int64_t ndim, float **out, int64_t *out_shape,
                   int64_t *out_ndim, char *err, size_t errlen) {
    *out = nullptr;
    return guarded(err, errlen, [&] {
        if (module == nullptr) throw std::runtime_error("no module");
        auto found = module->module.find_method(method);
        if (!found.has_value()) throw std::runtime_error(std::string("the module has no method ") + method);
        torch::NoGradGuard no_grad;
        std::vector<int64_t> dims(shape, shape + ndim);
        at::Tensor tensor = input_is_int64
            ? torch::from_blob(const_cast<void *>(input), dims, torch::kInt64).clone()
            : torch::from_blob(const_cast<void *>(input), dims, torch::kFloat32).clone();
        c10::IValue result = (*found)({tensor});
        if (!result.isTensor()) {
            throw std::runtime_error(std::string(method) + " returned " + result.tagKind() + ", not a tensor");
        }
        at::Tensor output = result.toTensor().to(at::kFloat).contiguous();
        if (output.dim() > 8) throw std::runtime_error("result has more than 8 dimensions");
        *out_ndim = output.dim();
        for (int64_t i = 0; i < output.dim(); ++i) out_shape[i] = output.size(i);
        size_t bytes = sizeof(float) * static_cast<size_t>(output.numel());
        float *buffer = static_cast<float *>(std::malloc(bytes > 0 ? bytes : 1));
        if (buffer == nullptr) throw std::runtime_error("out of memory");
        std::memcpy(buffer, output.data_ptr<float>(), bytes);
        *out = buffer;
    });
}

void fbt_buffer_free(float *buffer) { std::free(buffer); }

}  // extern "C"
