/* CRC32C: hardware (SSE 4.2 crc32q) when the CPU has it, checked once; a byte-wise table
 * (reflected polynomial 0x82F63B78) otherwise. Both give the same values.
 *
 * The crc32 instruction takes 3 cycles but a new one can start every cycle, so long inputs
 * run three streams over three consecutive blocks at once and join them: the CRC register of
 * A||B is shift(crc(A), |B|) XOR crc_from_zero(B), where shift multiplies by x^(8|B|) modulo
 * the polynomial (a carry-less product done bit by bit: once per 3 blocks, it costs little). */
#include "CChecksum.h"

#include <pthread.h>
#include <string.h>

static uint32_t table[256];
static int hardware;
/* Bytes per stream and block of the three-stream loop, and x^(8·block), x^(16·block) mod P. */
#define STREAM_BLOCK 4096
static uint32_t shift_one_block, shift_two_blocks;

/* a·b modulo P, in the reflected representation (bit 31 is x^0). */
static uint32_t multiply_modulo(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = 0x80000000u; bit != 0; bit >>= 1) {
        if (a & bit) product ^= b;
        b = (b & 1u) ? (b >> 1) ^ 0x82F63B78u : b >> 1;
    }
    return product;
}

/* x^n modulo P (reflected), by squaring. */
static uint32_t x_power_modulo(uint64_t n) {
    uint32_t result = 0x80000000u, base = 0x40000000u;   /* 1 and x */
    while (n) {
        if (n & 1u) result = multiply_modulo(result, base);
        base = multiply_modulo(base, base);
        n >>= 1;
    }
    return result;
}
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void initialize(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        table[byte] = crc;
    }
    shift_one_block = x_power_modulo(8ull * STREAM_BLOCK);
    shift_two_blocks = x_power_modulo(16ull * STREAM_BLOCK);
#if defined(__x86_64__)
    __builtin_cpu_init();
    hardware = __builtin_cpu_supports("sse4.2");
#endif
}

static uint32_t software(uint32_t crc, const unsigned char *bytes, size_t length) {
    for (size_t i = 0; i < length; i++) crc = (crc >> 8) ^ table[(crc ^ bytes[i]) & 0xFF];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t accelerated(uint32_t crc, const unsigned char *bytes, size_t length) {
    uint64_t value = crc;
    while (length >= 3 * STREAM_BLOCK) {
        uint64_t b = 0, c = 0;
        for (size_t k = 0; k < STREAM_BLOCK; k += 8) {
            uint64_t wa, wb, wc;
            memcpy(&wa, bytes + k, 8);
            memcpy(&wb, bytes + STREAM_BLOCK + k, 8);
            memcpy(&wc, bytes + 2 * STREAM_BLOCK + k, 8);
            value = __builtin_ia32_crc32di(value, wa);
            b = __builtin_ia32_crc32di(b, wb);
            c = __builtin_ia32_crc32di(c, wc);
        }
        value = multiply_modulo((uint32_t)value, shift_two_blocks) ^ multiply_modulo((uint32_t)b, shift_one_block) ^ (uint32_t)c;
        bytes += 3 * STREAM_BLOCK;
        length -= 3 * STREAM_BLOCK;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        value = __builtin_ia32_crc32di(value, word);
        bytes += 8;
        length -= 8;
    }
    uint32_t result = (uint32_t)value;
    while (length > 0) {
        result = __builtin_ia32_crc32qi(result, *bytes);
        bytes++;
        length--;
    }
    return result;
}
#endif

uint32_t fb_crc32c_bytewise(uint32_t crc, const void *data, size_t length) {
    pthread_once(&once, initialize);
    return ~software(~crc, (const unsigned char *)data, length);
}

uint32_t fb_crc32c(uint32_t crc, const void *data, size_t length) {
    pthread_once(&once, initialize);
    const unsigned char *bytes = (const unsigned char *)data;
    crc = ~crc;
#if defined(__x86_64__)
    if (hardware) return ~accelerated(crc, bytes, length);
#endif
    return ~software(crc, bytes, length);
}
