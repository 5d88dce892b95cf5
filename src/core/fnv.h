/* fnv.h - the steps of tix_hash32, for callers that hash incrementally
 * (every parent of a host name in one pass from the right). Not API. */
#ifndef TIX_CORE_FNV_H
#define TIX_CORE_FNV_H

#include <stdint.h>

#define TIX_FNV_BASIS 2166136261u

static inline uint32_t tix__fnv_step(uint32_t h, unsigned char c)
{
    return (h ^ c) * 16777619u;
}

/* murmur3's finaliser: FNV's low bits alone index poorly */
static inline uint32_t tix__fnv_fin(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#endif
