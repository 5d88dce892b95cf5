/* tix/hash.h - the hash libtix uses for its tables. */
#ifndef TIX_HASH_H
#define TIX_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over data[0..len) starting from seed, then murmur3's finaliser:
 * FNV's low bits depend only on the inputs' low bits, and tables index by
 * them. Not for anything an adversary must not collide. */
uint32_t tix_hash32(const void *data, size_t len, uint32_t seed);

#endif
