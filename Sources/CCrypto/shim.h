/* OpenSSL's libcrypto (Debian libssl-dev): SHA-256 with the CPU's SHA extensions. The
 * one-shot SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP, but their context
 * is a plain struct that Swift can copy, which keeps FreqBench's SHA256 a value type. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <openssl/crypto.h>
