/* utf8.h - decoding one UTF-8 sequence. Not API. */
#ifndef TIX_CORE_UTF8_H
#define TIX_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The well-formed UTF-8 sequence at p[0..n): its length, and the code
 * point in *cp; 0 when malformed, overlong, a surrogate or cut short. */
static inline size_t tix__utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
    uint8_t c = n ? p[0] : 0;
    size_t len;
    uint32_t v, min;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        len = 2, v = c & 0x1Fu, min = 0x80;
    else if (c < 0xF0)
        len = 3, v = c & 0x0Fu, min = 0x800;
    else
        len = 4, v = c & 0x07u, min = 0x10000;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

#endif
