/* CRC32C: hardware (SSE 4.2 crc32q) when the CPU has it, checked once; a byte-wise table
 * (reflected polynomial 0x82F63B78) otherwise. Both give the same values. */
#include "CChecksum.h"

#include <pthread.h>
#include <string.h>

static uint32_t table[256];
static int hardware;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void initialize(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        table[byte] = crc;
    }
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

uint32_t fb_crc32c(uint32_t crc, const void *data, size_t length) {
    pthread_once(&once, initialize);
    const unsigned char *bytes = (const unsigned char *)data;
    crc = ~crc;
#if defined(__x86_64__)
    if (hardware) return ~accelerated(crc, bytes, length);
#endif
    return ~software(crc, bytes, length);
}
