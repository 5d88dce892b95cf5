/* keccak.h - internal: original Keccak-256 (pad 0x01, as used by Monero and
 * Ethereum; not FIPS-202 SHA3-256, which pads with 0x06). */
#ifndef TIX_CORE_KECCAK_H
#define TIX_CORE_KECCAK_H

#include <stddef.h>
#include <stdint.h>

/* Writes the 32-byte Keccak-256 digest of in[0..n) to out. */
void tix_keccak256(const void *in, size_t n, uint8_t out[32]);

#endif
