/* gen_samples.c - benign sample files for the ingest benchmark.
 *
 *   gen_samples DIR COUNT SIZE
 *
 * Writes COUNT files of SIZE bytes to DIR (s00000.bin ...), from a fixed
 * seed: binary noise with embedded strings as malware carries them (C&C
 * hosts, URLs, IPs, a wallet, hashes), drawn from shared pools so that
 * samples of one "campaign" share infrastructure as they do in the field.
 * Nothing here is executable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const tlds[] = {"com", "net", "org", "xyz", "top", "ru", "info", "biz"};

static int indicator(char *out, size_t cap)
{
    unsigned pool = (unsigned)(next() % 4000); /* shared infrastructure */
    unsigned a = 23 + pool % 180, b = (pool * 7) % 256, c = (pool * 13) % 256, d = pool % 250 + 1;
    switch (next() % 6) {
    case 0: return snprintf(out, cap, "%u.%u.%u.%u", a, b, c, d);
    case 1: return snprintf(out, cap, "cdn%u-update.%s", pool, tlds[pool % 8]);
    case 2: return snprintf(out, cap, "http://%u.%u.%u.%u:8080/gate.php?id=%u", a, b, c, d, pool);
    case 3: return snprintf(out, cap, "https://panel%u.%s/api/v2/beacon", pool, tlds[pool % 8]);
    case 4: return snprintf(out, cap, "ops%u@mail-relay%u.%s", pool % 97, pool % 31, tlds[pool % 8]);
    default: {
        int n = 0;
        for (int i = 0; i < 64; i++)
            n += snprintf(out + n, cap - (size_t)n, "%x", (unsigned)((pool * 2654435761u >> (i % 28)) + (unsigned)i) & 15u);
        return n;
    }
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_samples DIR COUNT SIZE\n");
        return 2;
    }
    long count = atol(argv[2]), size = atol(argv[3]);
    char *buf = malloc((size_t)size + 256), path[4096], ind[256];
    if (!buf)
        return 1;
    for (long f = 0; f < count; f++) {
        for (long i = 0; i < size; i += 8) {
            uint64_t r = next();
            memcpy(buf + i, &r, 8);
        }
        /* a PE-like header and about twenty strings, NUL-separated */
        memcpy(buf, "MZ\x90\0\3\0\0\0", 8);
        int strings = 15 + (int)(next() % 10);
        for (int s = 0; s < strings; s++) {
            int n = indicator(ind, sizeof ind);
            long at = 64 + (long)(next() % (uint64_t)(size - n - 130));
            buf[at - 1] = 0;
            memcpy(buf + at, ind, (size_t)n);
            buf[at + n] = 0;
        }
        /* and a file-unique marker so every sample hashes differently */
        int n = snprintf(ind, sizeof ind, "build-%08ld", f);
        memcpy(buf + size - n - 1, ind, (size_t)n);
        snprintf(path, sizeof path, "%s/s%05ld.bin", argv[1], f);
        FILE *o = fopen(path, "wb");
        if (!o || fwrite(buf, 1, (size_t)size, o) != (size_t)size || fclose(o) != 0) {
            perror(path);
            return 1;
        }
    }
    free(buf);
    return 0;
}
