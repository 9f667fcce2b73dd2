/* CRC32C (Castagnoli), the checksum of text index posting lists and sections: with the
 * CPU's SSE 4.2 crc32 instruction where it has one (three streams at once on long inputs), else a table. */
#ifndef CCHECKSUM_H
#define CCHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Extends `crc` (start with 0) over `length` bytes at `data`; returns the new CRC32C. */
uint32_t fb_crc32c(uint32_t crc, const void *data, size_t length);

/* The same, a byte at a time with a table (the reference the fast path is tested against). */
uint32_t fb_crc32c_bytewise(uint32_t crc, const void *data, size_t length);

#endif
