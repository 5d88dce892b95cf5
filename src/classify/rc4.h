/* rc4.h - RC4, for configs that are encrypted with it. Not API.
 *
 * OpenSSL 3 keeps RC4 in the legacy provider, and loading a provider
 * changes process-global state that the rest of a host program may not
 * expect; the cipher is twenty lines, so tix carries its own. RC4 is
 * broken as a cipher: this exists only to read what others encrypted.
 */
#ifndef TIX_CLASSIFY_RC4_H
#define TIX_CLASSIFY_RC4_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t s[256];
    uint8_t i, j;
} tix__rc4;

/* keylen must be 1-256. */
void tix__rc4_init(tix__rc4 *r, const uint8_t *key, size_t keylen);
/* Encrypts or decrypts (the same operation) n bytes in place. */
void tix__rc4_apply(tix__rc4 *r, uint8_t *buf, size_t n);

#endif
