// CRoaring (Debian libroaring-dev, no pkg-config file): used by `freqbench bench text` to
// measure Roaring bitmaps against FreqBench's own postings codec on the same index.
#include <roaring/roaring.h>
