/* keccak.c - Keccak-f[1600] and Keccak-256 (rate 136, padding 0x01). */
#include <string.h>

#include "core/keccak.h"

#define KECCAK_ROUNDS 24
#define KECCAK256_RATE 136

static const uint64_t keccak_rc[KECCAK_ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets and lane order of the combined rho-pi step, walking the
 * lanes from (x,y) = (1,0) along (x,y) -> (y, 2x+3y). */
static const unsigned keccak_rotc[24] = {
    1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
    27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
};
static const unsigned keccak_piln[24] = {
    10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
    15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
};

static uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r)); /* r is always 1..63 here */
}

static void keccak_f1600(uint64_t st[25])
{
    for (int round = 0; round < KECCAK_ROUNDS; round++) {
        uint64_t bc[5];
        /* theta */
        for (int i = 0; i < 5; i++)
            bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        for (int i = 0; i < 5; i++) {
            uint64_t t = bc[(i + 4) % 5] ^ rotl64(bc[(i + 1) % 5], 1);
            for (int j = 0; j < 25; j += 5)
                st[j + i] ^= t;
        }
        /* rho and pi */
        uint64_t t = st[1];
        for (int i = 0; i < 24; i++) {
            unsigned j = keccak_piln[i];
            uint64_t tmp = st[j];
            st[j] = rotl64(t, keccak_rotc[i]);
            t = tmp;
        }
        /* chi */
        for (int j = 0; j < 25; j += 5) {
            for (int i = 0; i < 5; i++)
                bc[i] = st[j + i];
            for (int i = 0; i < 5; i++)
                st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
        }
        /* iota */
        st[0] ^= keccak_rc[round];
    }
}

/* XORs one rate-sized block (little-endian lanes) into the state. */
static void keccak_absorb(uint64_t st[25], const uint8_t *blk)
{
    for (int i = 0; i < KECCAK256_RATE / 8; i++) {
        uint64_t lane = 0;
        for (int b = 7; b >= 0; b--)
            lane = (lane << 8) | blk[i * 8 + b];
        st[i] ^= lane;
    }
}

void tix_keccak256(const void *in, size_t n, uint8_t out[32])
{
    uint64_t st[25] = {0};
    const uint8_t *p = in;

    while (n >= KECCAK256_RATE) {
        keccak_absorb(st, p);
        keccak_f1600(st);
        p += KECCAK256_RATE;
        n -= KECCAK256_RATE;
    }
    uint8_t last[KECCAK256_RATE] = {0};
    if (n)
        memcpy(last, p, n);
    last[n] ^= 0x01;                 /* original Keccak padding */
    last[KECCAK256_RATE - 1] ^= 0x80;
    keccak_absorb(st, last);
    keccak_f1600(st);

    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}
