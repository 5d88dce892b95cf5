/* rc4.c - RC4 (see rc4.h for why tix has its own). */
#include "classify/rc4.h"

void tix__rc4_init(tix__rc4 *r, const uint8_t *key, size_t keylen)
{
    for (int k = 0; k < 256; k++)
        r->s[k] = (uint8_t)k;
    uint8_t j = 0;
    for (size_t k = 0; k < 256; k++) {
        j = (uint8_t)(j + r->s[k] + key[k % keylen]);
        uint8_t t = r->s[k];
        r->s[k] = r->s[j];
        r->s[j] = t;
    }
    r->i = r->j = 0;
}

void tix__rc4_apply(tix__rc4 *r, uint8_t *buf, size_t n)
{
    uint8_t i = r->i, j = r->j;
    for (size_t k = 0; k < n; k++) {
        i = (uint8_t)(i + 1);
        j = (uint8_t)(j + r->s[i]);
        uint8_t t = r->s[i];
        r->s[i] = r->s[j];
        r->s[j] = t;
        buf[k] ^= r->s[(uint8_t)(r->s[i] + r->s[j])];
    }
    r->i = i;
    r->j = j;
}
