/* hash.c - FNV-1a with a finaliser, for hash tables. */
#include "tix/hash.h"

uint32_t tix_hash32(const void *data, size_t len, uint32_t seed)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u ^ seed;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}
