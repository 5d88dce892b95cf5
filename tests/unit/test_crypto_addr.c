/* test_crypto_addr.c - Bitcoin / Monero address validation and Keccak-256. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto_addr.h"
#include "core/keccak.h"

static bool btc(const char *s)
{
    return tix_btc_valid(s, strlen(s));
}

static bool xmr(const char *s)
{
    return tix_xmr_valid(s, strlen(s));
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* ---- Keccak-256 ------------------------------------------------------- */

static void test_keccak256(void **state)
{
    (void)state;
    uint8_t h[32];
    char x[65];

    tix_keccak256("", 0, h);
    hex(h, 32, x);
    assert_string_equal(
        x, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

    tix_keccak256("abc", 3, h);
    hex(h, 32, x);
    assert_string_equal(
        x, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

/* ---- Bitcoin base58check ----------------------------------------------- */

static void test_btc_base58_valid(void **state)
{
    (void)state;
    assert_true(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")); /* genesis */
    assert_true(btc("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")); /* P2SH */
    assert_true(btc("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
    assert_true(btc("1111111111111111111114oLvT2")); /* hash160 all zero */
}

static void test_btc_base58_invalid(void **state)
{
    (void)state;
    /* one changed character */
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfMa"));
    assert_false(btc("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz"));
    assert_false(btc("1B1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    /* characters outside the alphabet */
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivONa"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivINa"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivlNa"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div-Na"));
    /* wrong lengths */
    assert_false(btc(""));
    assert_false(tix_btc_valid(NULL, 0));
    assert_false(btc("1"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN"));
    assert_false(btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNaa"));
    assert_false(btc("11A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")); /* 26 bytes */
    assert_false(btc("111111111111111111111111111111111111"));
    assert_false(btc("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")); /* overflows */
    /* a testnet (version 0x6f) address with a valid checksum */
    assert_false(btc("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn"));
}

static void test_btc_not_terminated(void **state)
{
    (void)state;
    const char *g = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    size_t n = strlen(g);
    assert_true(tix_btc_valid(g, n));
    assert_false(tix_btc_valid(g, n - 1));

    /* A buffer with no NUL: the exact length must still be accepted. */
    char buf[34];
    memcpy(buf, g, sizeof buf);
    assert_true(tix_btc_valid(buf, sizeof buf));

    const char *w = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4xyz";
    assert_true(tix_btc_valid(w, strlen(w) - 3));
    assert_false(tix_btc_valid(w, strlen(w) - 4));
    assert_false(tix_btc_valid(w, strlen(w)));
}

/* ---- Bitcoin segwit ---------------------------------------------------- */

static void test_btc_segwit_valid(void **state)
{
    (void)state;
    /* BIP-173 */
    assert_true(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    assert_true(btc("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
    assert_true(btc("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"));
    /* BIP-350 */
    assert_true(btc("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"));
    assert_true(btc("BC1SW50QGDZ25J"));
    assert_true(btc("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"));
    assert_true(btc("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"));
}

static void test_btc_segwit_invalid(void **state)
{
    (void)state;
    /* one changed character */
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3q4"));
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv9f3t4"));
    /* v1+ with a bech32 checksum; v0 with a bech32m checksum (BIP-350) */
    assert_false(btc("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd"));
    assert_false(btc("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL"));
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"));
    /* mixed case */
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3T4"));
    assert_false(btc("Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    /* testnet and other hrps */
    assert_false(btc("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"));
    assert_false(btc("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"));
    assert_false(btc("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut"));
    assert_false(btc("bcc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    /* invalid data character ('o', and 'b', 'i' are not in the charset) */
    assert_false(btc("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4"));
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8fbt4"));
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t\x7f"));
    assert_false(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t \x01"));
    /* witness version 17 */
    assert_false(btc("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R"));
    /* program lengths: 1 byte, 41 bytes, v0 with 16 bytes */
    assert_false(btc("bc1pw5dgrnzv"));
    assert_false(btc("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav"));
    assert_false(btc("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P"));
    /* padding: more than 4 bits, non-zero bits */
    assert_false(btc("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf"));
    assert_false(btc("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du"));
    /* empty data part, short strings, no separator */
    assert_false(btc("bc1gmk9yu"));
    assert_false(btc("bc1"));
    assert_false(btc("bc"));
    assert_false(btc("b"));
    assert_false(btc("bcqw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    /* over 90 characters */
    assert_false(btc("bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90"));
    char longs[120];
    memset(longs, 'q', sizeof longs);
    memcpy(longs, "bc1", 3);
    assert_false(tix_btc_valid(longs, sizeof longs));
    assert_false(tix_btc_valid(longs, 91));
}

/* ---- Monero ------------------------------------------------------------ */

static const char b58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const size_t enc_size[9] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

/* Writes the big-endian number num[0..len) as exactly ndigits base58
 * digits (leading '1's as needed); the number must fit. */
static void b58_digits(const uint8_t *num, size_t len, size_t ndigits,
                       char *out)
{
    uint8_t tmp[16];
    assert_true(len <= sizeof tmp);
    memcpy(tmp, num, len);
    for (size_t d = ndigits; d-- > 0;) {
        unsigned rem = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned cur = rem * 256 + tmp[i];
            tmp[i] = (uint8_t)(cur / 58);
            rem = cur % 58;
        }
        out[d] = b58_alphabet[rem];
    }
    for (size_t i = 0; i < len; i++)
        assert_int_equal(tmp[i], 0);
}

/* Monero base58 of data[0..len): 8-byte blocks to 11 characters. */
static size_t xmr_encode(const uint8_t *data, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 8) {
        size_t k = len - i < 8 ? len - i : 8;
        b58_digits(data + i, k, enc_size[k], out + o);
        o += enc_size[k];
    }
    out[o] = '\0';
    return o;
}

/* Builds an address with the given prefix and body length (64 or 72),
 * the body filled from seed, and appends the Keccak checksum. */
static size_t xmr_make(uint8_t prefix, size_t body, uint8_t seed, char *out)
{
    uint8_t b[77];
    b[0] = prefix;
    for (size_t i = 0; i < body; i++)
        b[1 + i] = (uint8_t)(seed + 37 * i);
    uint8_t h[32];
    tix_keccak256(b, 1 + body, h);
    memcpy(b + 1 + body, h, 4);
    return xmr_encode(b, 1 + body + 4, out);
}

static void test_xmr_known(void **state)
{
    (void)state;
    /* The Monero General Fund donation address. */
    const char *don =
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
    assert_int_equal(strlen(don), 95);
    assert_true(xmr(don));
    /* every single-character change breaks it */
    char m[96];
    for (size_t i = 0; i < 95; i++) {
        memcpy(m, don, sizeof m);
        m[i] = m[i] == 'z' ? 'y' : 'z';
        assert_false(xmr(m));
    }
    /* not NUL-terminated / shorter length */
    memcpy(m, don, 95);
    m[95] = 'x';
    assert_true(tix_xmr_valid(m, 95));
    assert_false(tix_xmr_valid(m, 94));
    assert_false(tix_xmr_valid(m, 96));
}

static void test_xmr_built(void **state)
{
    (void)state;
    char a[120];

    assert_int_equal(xmr_make(18, 64, 1, a), 95);
    assert_true(xmr(a));
    a[40] = a[40] == 'A' ? 'B' : 'A';
    assert_false(xmr(a));

    assert_int_equal(xmr_make(42, 64, 2, a), 95); /* subaddress */
    assert_true(xmr(a));
    a[94] = a[94] == 'A' ? 'B' : 'A';
    assert_false(xmr(a));

    assert_int_equal(xmr_make(19, 72, 3, a), 106); /* integrated */
    assert_true(xmr(a));
    a[0] = a[0] == '4' ? '5' : '4';
    assert_false(xmr(a));

    /* wrong prefix for the length (valid checksum) */
    assert_int_equal(xmr_make(19, 64, 4, a), 95);
    assert_false(xmr(a));
    assert_int_equal(xmr_make(18, 72, 5, a), 106);
    assert_false(xmr(a));
    assert_int_equal(xmr_make(24, 64, 6, a), 95); /* testnet prefix */
    assert_false(xmr(a));
}

/* A block whose value does not fit its byte size must be rejected even
 * when its low bytes are right. */
static void test_xmr_block_overflow(void **state)
{
    (void)state;
    char a[120];
    assert_int_equal(xmr_make(18, 64, 7, a), 95);
    assert_true(xmr(a));

    /* last block: 5 bytes in 7 chars; add 2^40 to its value */
    uint8_t tail[6] = {0};
    {
        /* decode the last 7 characters */
        uint64_t v = 0;
        for (size_t i = 88; i < 95; i++)
            v = v * 58 + (uint64_t)(strchr(b58_alphabet, a[i]) - b58_alphabet);
        v += (uint64_t)1 << 40;
        for (size_t i = 6; i-- > 0;) {
            tail[i] = (uint8_t)v;
            v >>= 8;
        }
    }
    char bad[96];
    memcpy(bad, a, sizeof bad);
    b58_digits(tail, sizeof tail, 7, bad + 88);
    assert_false(xmr(bad));

    /* first full block: 8 bytes in 11 chars; add 2^64 to its value */
    uint8_t b[69];
    {
        /* recover the bytes by re-encoding from the same construction */
        b[0] = 18;
        for (size_t i = 0; i < 64; i++)
            b[1 + i] = (uint8_t)(7 + 37 * i);
        uint8_t h[32];
        tix_keccak256(b, 65, h);
        memcpy(b + 65, h, 4);
    }
    uint8_t big[9];
    big[0] = 1;
    memcpy(big + 1, b, 8);
    memcpy(bad, a, sizeof bad);
    b58_digits(big, sizeof big, 11, bad);
    assert_false(xmr(bad));

    /* all 'z' (overflows any block) */
    memset(bad, 'z', 95);
    assert_false(tix_xmr_valid(bad, 95));
}

static void test_xmr_invalid(void **state)
{
    (void)state;
    char a[120];
    xmr_make(18, 64, 8, a);
    assert_true(xmr(a));

    assert_false(xmr(""));
    assert_false(tix_xmr_valid(NULL, 0));
    assert_false(tix_xmr_valid(a, 94));
    assert_false(tix_xmr_valid(a, 100));
    assert_false(xmr("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));

    const char bad[] = {'0', 'O', 'I', 'l', '+', '\0'};
    for (size_t j = 0; j < sizeof bad; j++) {
        char m[96];
        memcpy(m, a, sizeof m);
        m[50] = bad[j];
        assert_false(tix_xmr_valid(m, 95));
    }
}

/* Every prefix of some inputs, each copied to a heap block of exactly its
 * length (no NUL), so that a sanitizer build catches any read past n. */
static void test_exact_buffers(void **state)
{
    (void)state;
    static const char *const in[] = {
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "BC1SW50QGDZ25J",
        "bc1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    };
    for (size_t j = 0; j < sizeof in / sizeof in[0]; j++) {
        size_t len = strlen(in[j]);
        for (size_t n = 0; n <= len; n++) {
            char *p = malloc(n ? n : 1);
            assert_non_null(p);
            memcpy(p, in[j], n);
            bool b = tix_btc_valid(p, n);
            bool x = tix_xmr_valid(p, n);
            free(p);
            /* only the complete string can be valid */
            if (n < len) {
                assert_false(b);
                assert_false(x);
            }
        }
    }
}

/* Tor v3 onion labels: a real one, one built from a known key with the
 * checksum computed by Python's hashlib.sha3_256, and broken variants. */
static void test_onion_v3(void **state)
{
    (void)state;
    assert_true(tix_onion_v3_valid(
        "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad", 56));
    assert_true(tix_onion_v3_valid("aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp3kead", 56));
    /* one character changed, upper case, v2 length, bad alphabet */
    assert_false(tix_onion_v3_valid(
        "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae", 56));
    assert_false(tix_onion_v3_valid(
        "DUCKDUCKGOGG42XJOC72X3SJASOWOARFBGCMVFIMAFTT6TWAGSWZCZAD", 56));
    assert_false(tix_onion_v3_valid("expyuzz4wqqyqhjn", 16));
    assert_false(tix_onion_v3_valid(
        "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza1", 56));
    assert_false(tix_onion_v3_valid("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keccak256),
        cmocka_unit_test(test_btc_base58_valid),
        cmocka_unit_test(test_btc_base58_invalid),
        cmocka_unit_test(test_btc_not_terminated),
        cmocka_unit_test(test_btc_segwit_valid),
        cmocka_unit_test(test_btc_segwit_invalid),
        cmocka_unit_test(test_onion_v3),
        cmocka_unit_test(test_xmr_known),
        cmocka_unit_test(test_xmr_built),
        cmocka_unit_test(test_xmr_block_overflow),
        cmocka_unit_test(test_xmr_invalid),
        cmocka_unit_test(test_exact_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
