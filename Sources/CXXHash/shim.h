/* xxHash (Debian libxxhash-dev): XXH3-128, the fast checksum of a plan's pieces. */
#include <xxhash.h>
