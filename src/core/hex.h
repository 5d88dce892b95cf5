/* hex.h - bytes to lower-case hex and back. Not API. */
#ifndef TIX_CORE_HEX_H
#define TIX_CORE_HEX_H

#include <stddef.h>
#include <stdint.h>

/* 0-15, or -1 for a character that is no hex digit. */
static inline int tix__hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* out receives 2n digits and a NUL. */
static inline void tix__hex_encode(const uint8_t *raw, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[raw[i] >> 4];
        out[2 * i + 1] = hx[raw[i] & 15];
    }
    out[2 * n] = 0;
}

/* The n bytes written as 2n hex digits at s; -1 on a non-digit. */
static inline int tix__hex_decode(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = tix__hex_value(s[2 * i]), lo = tix__hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

#endif
