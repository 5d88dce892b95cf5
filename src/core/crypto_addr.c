/* crypto_addr.c - checksum validation of Bitcoin and Monero addresses.
 * Everything works on fixed stack buffers with explicit bounds; the input
 * need not be NUL-terminated and is never read at or past s[n]. */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/crypto_addr.h"
#include "core/keccak.h"

/* ---- base58 (shared alphabet) --------------------------------------- */

/* Value 0..57 of a base58 digit, or -1. */
static int b58_digit(unsigned char c)
{
    static const char alphabet[] =
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    if (c == '\0')
        return -1;
    const char *p = memchr(alphabet, c, sizeof alphabet - 1);
    return p ? (int)(p - alphabet) : -1;
}

/* ---- Bitcoin base58check --------------------------------------------- */

#define BTC_B58_LEN 25

static bool btc_base58_valid(const char *s, size_t n)
{
    if (n < 26 || n > 35)
        return false;

    uint8_t b[BTC_B58_LEN] = {0};
    size_t ones = 0;
    while (ones < n && s[ones] == '1')
        ones++;

    for (size_t i = 0; i < n; i++) {
        int d = b58_digit((unsigned char)s[i]);
        if (d < 0)
            return false;
        unsigned carry = (unsigned)d;
        for (size_t j = BTC_B58_LEN; j-- > 0;) {
            carry += 58u * b[j];
            b[j] = (uint8_t)carry;
            carry >>= 8;
        }
        if (carry)
            return false; /* does not fit in 25 bytes */
    }

    /* The leading zero bytes must be exactly the leading '1's, so that the
     * decoded payload is exactly 25 bytes long. */
    size_t zeros = 0;
    while (zeros < BTC_B58_LEN && b[zeros] == 0)
        zeros++;
    if (zeros != ones)
        return false;

    if (b[0] != 0x00 && b[0] != 0x05)
        return false;

    uint8_t h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
    SHA256(b, 21, h1);
    SHA256(h1, sizeof h1, h2);
    return memcmp(h2, b + 21, 4) == 0;
}

/* ---- Bech32 / Bech32m (BIP-173, BIP-350) ----------------------------- */

#define BECH32_MAX_LEN 90
#define BECH32_CONST 1u
#define BECH32M_CONST 0x2bc830a3u

static uint32_t bech32_polymod_step(uint32_t pre)
{
    uint32_t b = pre >> 25;
    return ((pre & 0x1ffffffu) << 5) ^
           (-((b >> 0) & 1u) & 0x3b6a57b2u) ^
           (-((b >> 1) & 1u) & 0x26508e6du) ^
           (-((b >> 2) & 1u) & 0x1ea119fau) ^
           (-((b >> 3) & 1u) & 0x3d4233ddu) ^
           (-((b >> 4) & 1u) & 0x2a1462b3u);
}

/* Value 0..31 of a (lower-case) bech32 character, or -1. */
static int bech32_digit(unsigned char c)
{
    static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    if (c == '\0')
        return -1;
    const char *p = memchr(charset, c, sizeof charset - 1);
    return p ? (int)(p - charset) : -1;
}

static bool btc_segwit_valid(const char *s, size_t n)
{
    /* "bc" + '1' + witness version + 6 checksum characters at least. */
    if (n < 2 + 1 + 1 + 6 || n > BECH32_MAX_LEN)
        return false;

    bool lower = false, upper = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126)
            return false;
        if (c >= 'a' && c <= 'z')
            lower = true;
        if (c >= 'A' && c <= 'Z')
            upper = true;
    }
    if (lower && upper)
        return false;

    /* The separator is the last '1'; the hrp must be exactly "bc". */
    size_t sep = n;
    while (sep > 0 && s[sep - 1] != '1')
        sep--;
    if (sep == 0)
        return false;
    sep--;
    if (sep != 2)
        return false;
    char h0 = (char)(s[0] | 0x20), h1 = (char)(s[1] | 0x20);
    if (h0 != 'b' || h1 != 'c')
        return false;

    size_t dlen = n - sep - 1;
    if (dlen < 1 + 6)
        return false;

    uint8_t data[BECH32_MAX_LEN];
    uint32_t chk = 1;
    /* hrp expansion: high bits, 0, low bits (hrp is lower case "bc"). */
    chk = bech32_polymod_step(chk) ^ ('b' >> 5);
    chk = bech32_polymod_step(chk) ^ ('c' >> 5);
    chk = bech32_polymod_step(chk);
    chk = bech32_polymod_step(chk) ^ ('b' & 31);
    chk = bech32_polymod_step(chk) ^ ('c' & 31);
    for (size_t i = 0; i < dlen; i++) {
        unsigned char c = (unsigned char)s[sep + 1 + i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c | 0x20);
        int d = bech32_digit(c);
        if (d < 0)
            return false;
        data[i] = (uint8_t)d;
        chk = bech32_polymod_step(chk) ^ (uint32_t)d;
    }

    unsigned ver = data[0];
    if (ver > 16)
        return false;
    if (chk != (ver == 0 ? BECH32_CONST : BECH32M_CONST))
        return false;

    /* convertbits 5 -> 8 without padding over data[1 .. dlen-6). */
    uint8_t prog[BECH32_MAX_LEN];
    size_t plen = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 1; i < dlen - 6; i++) {
        acc = ((acc << 5) | data[i]) & 0xfffu;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (plen >= sizeof prog)
                return false;
            prog[plen++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits >= 5 || ((acc << (8 - bits)) & 0xffu))
        return false;

    if (plen < 2 || plen > 40)
        return false;
    if (ver == 0 && plen != 20 && plen != 32)
        return false;
    return true;
}

bool tix_btc_valid(const char *s, size_t n)
{
    if (!s || n == 0)
        return false;
    if (s[0] == '1' || s[0] == '3')
        return btc_base58_valid(s, n);
    if (s[0] == 'b' || s[0] == 'B')
        return btc_segwit_valid(s, n);
    return false;
}

/* ---- Monero ------------------------------------------------------------ */

#define XMR_FULL_BLOCK 8
#define XMR_FULL_ENC 11
#define XMR_MAX_BYTES 77

/* Characters needed to encode a block of k bytes, k = 0..8. */
static const size_t xmr_enc_size[XMR_FULL_BLOCK + 1] = {
    0, 2, 3, 5, 6, 7, 9, 10, 11,
};

/* Decodes one block of m characters into at most cap bytes at out.
 * Returns the number of bytes written, or 0 if m is not a valid block
 * length, the block does not fit, a character is invalid or the value
 * overflows the block's byte size. */
static size_t xmr_decode_block(const char *s, size_t m, uint8_t *out,
                               size_t cap)
{
    size_t k = 1;
    while (k <= XMR_FULL_BLOCK && xmr_enc_size[k] != m)
        k++;
    if (k > XMR_FULL_BLOCK || k > cap)
        return 0;

    uint64_t v = 0;
    for (size_t i = 0; i < m; i++) {
        int d = b58_digit((unsigned char)s[i]);
        if (d < 0)
            return 0;
        if (v > (UINT64_MAX - (uint64_t)d) / 58)
            return 0;
        v = v * 58 + (uint64_t)d;
    }
    if (k < XMR_FULL_BLOCK && (v >> (8 * k)) != 0)
        return 0;

    for (size_t i = k; i-- > 0;) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
    return k;
}

bool tix_xmr_valid(const char *s, size_t n)
{
    if (!s)
        return false;

    size_t want;
    if (n == 95)
        want = 69;
    else if (n == 106)
        want = 77;
    else
        return false;

    uint8_t b[XMR_MAX_BYTES];
    size_t len = 0;
    for (size_t off = 0; off < n; off += XMR_FULL_ENC) {
        size_t m = n - off < XMR_FULL_ENC ? n - off : XMR_FULL_ENC;
        size_t k = xmr_decode_block(s + off, m, b + len, sizeof b - len);
        if (k == 0)
            return false;
        len += k;
    }
    if (len != want)
        return false;

    /* Prefixes 18, 19 and 42 are single-byte varints. */
    uint8_t prefix = b[0];
    if (want == 69 && prefix != 18 && prefix != 42)
        return false;
    if (want == 77 && prefix != 19)
        return false;

    uint8_t h[32];
    tix_keccak256(b, len - 4, h);
    return memcmp(h, b + len - 4, 4) == 0;
}

bool tix_onion_v3_valid(const char *s, size_t n)
{
    if (n != 56)
        return false;
    uint8_t raw[35];
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v;
        if (c >= 'a' && c <= 'z')
            v = c - 'a';
        else if (c >= '2' && c <= '7')
            v = c - '2' + 26;
        else
            return false;
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            raw[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (o != 35 || raw[34] != 3)
        return false;
    /* checksum = SHA3-256(".onion checksum" | pubkey | version)[:2] */
    static const char prefix[] = ".onion checksum";
    uint8_t msg[sizeof prefix - 1 + 33], md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    memcpy(msg, prefix, sizeof prefix - 1);
    memcpy(msg + sizeof prefix - 1, raw, 32);
    msg[sizeof msg - 1] = 3;
    if (EVP_Digest(msg, sizeof msg, md, &mdlen, EVP_sha3_256(), NULL) != 1 ||
        mdlen < 2)
        return false;
    return md[0] == raw[32] && md[1] == raw[33];
}
