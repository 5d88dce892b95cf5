/* hash.c - FNV-1a with a finaliser, for hash tables. */
#include "core/fnv.h"
#include "tix/hash.h"

uint32_t tix_hash32(const void *data, size_t len, uint32_t seed)
{
    const unsigned char *p = data;
    uint32_t h = TIX_FNV_BASIS ^ seed;
    for (size_t i = 0; i < len; i++)
        h = tix__fnv_step(h, p[i]);
    return tix__fnv_fin(h);
}
