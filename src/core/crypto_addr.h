/* crypto_addr.h - checksum validation of cryptocurrency addresses. */
#ifndef TIX_CORE_CRYPTO_ADDR_H
#define TIX_CORE_CRYPTO_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/* A Bitcoin mainnet address: base58check P2PKH ('1', version 0x00) or P2SH
 * ('3', version 0x05) with a 25-byte payload and a valid double-SHA-256
 * checksum; or a segwit address with hrp "bc": bech32 for witness version 0
 * (program of 20 or 32 bytes, BIP-173) and bech32m for versions 1-16
 * (program of 2-40 bytes, BIP-350), all lower or all upper case.
 * s need not be NUL-terminated. */
bool tix_btc_valid(const char *s, size_t n);

/* A Monero mainnet address: standard (prefix 18) or subaddress (prefix 42),
 * 95 characters, or integrated (prefix 19), 106 characters; Monero's
 * block-wise base58 and a 4-byte Keccak-256 checksum. */
bool tix_xmr_valid(const char *s, size_t n);

/* A Tor v3 onion service label: 56 characters of base32 (a-z, 2-7, lower
 * case) that decode to a 32-byte key, a 2-byte SHA3-256 checksum and
 * version 3. */
bool tix_onion_v3_valid(const char *s, size_t n);

#endif
