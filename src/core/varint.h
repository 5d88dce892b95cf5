/* varint.h - unsigned LEB128 varints, for compact sorted integer lists.
 * Not API.
 *
 * An ascending list is kept as its first value and the varint deltas
 * between neighbours: keys handed out one after another cost one byte
 * each. */
#ifndef TIX_CORE_VARINT_H
#define TIX_CORE_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define TIX_VARINT_MAX 10

/* Write v at out (TIX_VARINT_MAX bytes of room); returns the bytes written. */
static inline size_t tix__varint_put(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* Read one varint from p[0..len); returns the bytes read, 0 when the
 * input ends inside it or it does not fit 64 bits. */
static inline size_t tix__varint_get(const uint8_t *p, size_t len, uint64_t *v)
{
    uint64_t r = 0;
    for (size_t i = 0; i < len && i < TIX_VARINT_MAX; i++) {
        uint64_t b = p[i] & 0x7f;
        if (i == 9 && b > 1)
            return 0;
        r |= b << (7 * i);
        if (!(p[i] & 0x80)) {
            *v = r;
            return i + 1;
        }
    }
    return 0;
}

#endif
