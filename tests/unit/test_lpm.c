/* test_lpm.c - longest-prefix match: nesting, order, both families, the
 * edges of the address space, parsing; and a cross-check against a linear
 * scan on random prefixes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lpm.h"

/* Insert "a.b.c.d/n" or an IPv6 prefix with its value. */
static void put(tix_lpm *t, const char *cidr, uint32_t value)
{
    int af;
    uint8_t a[16];
    unsigned plen;
    assert_int_equal(tix__lpm_parse(cidr, strlen(cidr), &af, a, &plen), 0);
    assert_int_equal(tix__lpm_insert(t, af, a, plen, value), TIX_EOK);
}

/* Look addr up; writes at most 16 hits. */
static size_t get(const tix_lpm *t, const char *addr, tix_lpm_hit *out)
{
    int af;
    uint8_t a[16];
    unsigned plen;
    assert_int_equal(tix__lpm_parse(addr, strlen(addr), &af, a, &plen), 0);
    return tix__lpm_lookup(t, af, a, out, 16);
}

static void expect(const tix_lpm *t, const char *addr, size_t n, const uint32_t *values,
                   const uint8_t *plens)
{
    tix_lpm_hit h[16];
    size_t got = get(t, addr, h);
    if (got != n)
        fail_msg("%s: %zu hits, want %zu", addr, got, n);
    for (size_t i = 0; i < n; i++) {
        if (h[i].value != values[i] || h[i].plen != plens[i])
            fail_msg("%s: hit %zu is (%u, /%u), want (%u, /%u)", addr, i, h[i].value,
                     h[i].plen, values[i], plens[i]);
    }
}

static void test_nesting_longest_first(void **state)
{
    (void)state;
    tix_lpm *t = tix__lpm_new();
    assert_non_null(t);
    /* inserted out of order on purpose */
    put(t, "10.1.2.0/24", 3);
    put(t, "10.0.0.0/8", 1);
    put(t, "10.1.2.3", 4);
    put(t, "10.1.0.0/16", 2);
    put(t, "192.168.0.0/16", 5);
    assert_int_equal(tix__lpm_build(t), TIX_EOK);

    expect(t, "10.1.2.3", 4, (uint32_t[]){4, 3, 2, 1}, (uint8_t[]){32, 24, 16, 8});
    expect(t, "10.1.2.4", 3, (uint32_t[]){3, 2, 1}, (uint8_t[]){24, 16, 8});
    expect(t, "10.1.3.0", 2, (uint32_t[]){2, 1}, (uint8_t[]){16, 8});
    expect(t, "10.255.255.255", 1, (uint32_t[]){1}, (uint8_t[]){8});
    expect(t, "10.0.0.0", 1, (uint32_t[]){1}, (uint8_t[]){8});
    expect(t, "9.255.255.255", 0, NULL, NULL);
    expect(t, "11.0.0.0", 0, NULL, NULL);
    expect(t, "192.168.255.255", 1, (uint32_t[]){5}, (uint8_t[]){16});
    expect(t, "192.169.0.0", 0, NULL, NULL);
    /* the end of a nested prefix gives back its parent */
    expect(t, "10.1.2.255", 3, (uint32_t[]){3, 2, 1}, (uint8_t[]){24, 16, 8});
    expect(t, "10.1.255.255", 2, (uint32_t[]){2, 1}, (uint8_t[]){16, 8});
    /* an IPv6 lookup does not see IPv4 prefixes */
    expect(t, "::a01:203", 0, NULL, NULL);
    tix__lpm_free(t);
}

static void test_same_prefix_many_values(void **state)
{
    (void)state;
    tix_lpm *t = tix__lpm_new();
    put(t, "198.51.100.0/24", 7);
    put(t, "198.51.100.0/24", 8);
    put(t, "198.51.100.7/24", 9); /* host bits are ignored */
    put(t, "198.51.100.128/25", 10);
    assert_int_equal(tix__lpm_build(t), TIX_EOK);
    expect(t, "198.51.100.1", 3, (uint32_t[]){7, 8, 9}, (uint8_t[]){24, 24, 24});
    expect(t, "198.51.100.200", 4, (uint32_t[]){10, 7, 8, 9}, (uint8_t[]){25, 24, 24, 24});
    /* max bounds what is written, not what is counted */
    int af;
    uint8_t a[16];
    unsigned plen;
    assert_int_equal(tix__lpm_parse("198.51.100.200", 14, &af, a, &plen), 0);
    tix_lpm_hit h[2] = {{0, 0}, {0, 0}};
    assert_int_equal(tix__lpm_lookup(t, af, a, h, 1), 4);
    assert_int_equal(h[0].value, 10);
    assert_int_equal(h[1].value, 0); /* untouched */
    tix__lpm_free(t);
}

static void test_edges_v4(void **state)
{
    (void)state;
    tix_lpm *t = tix__lpm_new();
    put(t, "0.0.0.0/0", 1);
    put(t, "255.255.255.255/32", 2);
    put(t, "0.0.0.0/32", 3);
    put(t, "128.0.0.0/1", 4);
    assert_int_equal(tix__lpm_build(t), TIX_EOK);
    expect(t, "0.0.0.0", 2, (uint32_t[]){3, 1}, (uint8_t[]){32, 0});
    expect(t, "0.0.0.1", 1, (uint32_t[]){1}, (uint8_t[]){0});
    expect(t, "127.255.255.255", 1, (uint32_t[]){1}, (uint8_t[]){0});
    expect(t, "128.0.0.0", 2, (uint32_t[]){4, 1}, (uint8_t[]){1, 0});
    expect(t, "255.255.255.254", 2, (uint32_t[]){4, 1}, (uint8_t[]){1, 0});
    expect(t, "255.255.255.255", 3, (uint32_t[]){2, 4, 1}, (uint8_t[]){32, 1, 0});
    tix__lpm_free(t);
}

static void test_ipv6(void **state)
{
    (void)state;
    tix_lpm *t = tix__lpm_new();
    put(t, "::/0", 1);
    put(t, "2001:db8::/32", 2);
    put(t, "2001:db8:1::/48", 3);
    put(t, "2001:db8:1::1/128", 4);
    put(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 5);
    put(t, "::/128", 6);
    put(t, "fe80::/10", 7);
    put(t, "2001:db8:0:0:8000::/65", 8); /* a boundary inside the low word */
    put(t, "10.0.0.0/8", 9);
    assert_int_equal(tix__lpm_build(t), TIX_EOK);
    expect(t, "2001:db8:1::1", 4, (uint32_t[]){4, 3, 2, 1}, (uint8_t[]){128, 48, 32, 0});
    expect(t, "2001:db8:1::2", 3, (uint32_t[]){3, 2, 1}, (uint8_t[]){48, 32, 0});
    expect(t, "2001:db8:2::", 2, (uint32_t[]){2, 1}, (uint8_t[]){32, 0});
    expect(t, "2001:db9::", 1, (uint32_t[]){1}, (uint8_t[]){0});
    expect(t, "::", 2, (uint32_t[]){6, 1}, (uint8_t[]){128, 0});
    expect(t, "::1", 1, (uint32_t[]){1}, (uint8_t[]){0});
    expect(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 2, (uint32_t[]){5, 1},
           (uint8_t[]){128, 0});
    expect(t, "febf:ffff::1", 2, (uint32_t[]){7, 1}, (uint8_t[]){10, 0});
    expect(t, "fec0::", 1, (uint32_t[]){1}, (uint8_t[]){0});
    expect(t, "2001:db8::8000:0:0:1", 3, (uint32_t[]){8, 2, 1}, (uint8_t[]){65, 32, 0});
    expect(t, "2001:db8::7fff:0:0:1", 2, (uint32_t[]){2, 1}, (uint8_t[]){32, 0});
    /* the IPv4 side is its own */
    expect(t, "10.1.1.1", 1, (uint32_t[]){9}, (uint8_t[]){8});
    expect(t, "11.1.1.1", 0, NULL, NULL);
    tix__lpm_free(t);
}

static void test_empty_and_misuse(void **state)
{
    (void)state;
    tix_lpm *t = tix__lpm_new();
    uint8_t a[16] = {10, 0, 0, 1};
    tix_lpm_hit h[4];
    /* not built yet: nothing found */
    assert_int_equal(tix__lpm_lookup(t, 4, a, h, 4), 0);
    assert_int_equal(tix__lpm_insert(t, 4, a, 33, 1), TIX_EINVAL);
    assert_int_equal(tix__lpm_insert(t, 6, a, 129, 1), TIX_EINVAL);
    assert_int_equal(tix__lpm_insert(t, 5, a, 8, 1), TIX_EINVAL);
    assert_int_equal(tix__lpm_build(t), TIX_EOK);
    assert_int_equal(tix__lpm_lookup(t, 4, a, h, 4), 0);
    assert_int_equal(tix__lpm_lookup(t, 6, a, h, 4), 0);
    assert_int_equal(tix__lpm_lookup(t, 7, a, h, 4), 0);
    /* built: read-only */
    assert_int_equal(tix__lpm_insert(t, 4, a, 8, 1), TIX_EINVAL);
    assert_int_equal(tix__lpm_build(t), TIX_EINVAL);
    tix__lpm_free(t);
    tix__lpm_free(NULL);
}

static void test_parse(void **state)
{
    (void)state;
    int af;
    uint8_t a[16];
    unsigned plen;
    assert_int_equal(tix__lpm_parse("192.0.2.1", 9, &af, a, &plen), 0);
    assert_int_equal(af, 4);
    assert_int_equal(plen, 32);
    assert_memory_equal(a, ((uint8_t[]){192, 0, 2, 1}), 4);
    assert_int_equal(tix__lpm_parse("192.0.2.0/24", 12, &af, a, &plen), 0);
    assert_int_equal(plen, 24);
    assert_int_equal(tix__lpm_parse("0.0.0.0/0", 9, &af, a, &plen), 0);
    assert_int_equal(plen, 0);
    assert_int_equal(tix__lpm_parse("2001:db8::/32", 13, &af, a, &plen), 0);
    assert_int_equal(af, 6);
    assert_int_equal(plen, 32);
    assert_memory_equal(a, ((uint8_t[]){0x20, 0x01, 0x0d, 0xb8}), 4);
    assert_int_equal(tix__lpm_parse("::ffff:1.2.3.4", 14, &af, a, &plen), 0);
    assert_int_equal(af, 6);
    assert_int_equal(plen, 128);
    /* not NUL-terminated: only n bytes count */
    assert_int_equal(tix__lpm_parse("10.0.0.0/8junk", 10, &af, a, &plen), 0);
    assert_int_equal(plen, 8);

    static const char *const bad[] = {
        "",           "1.2.3",        "1.2.3.4.5",   "256.1.1.1",   "1.2.3.4/33",
        "1.2.3.4/",   "1.2.3.4/-1",   "1.2.3.4/+8",  "1.2.3.4/8/8", "1.2.3.4/0008",
        "::/129",     "2001:db8::g",  "1:2:3:4:5:6:7:8:9", "evil.com", " 1.2.3.4",
        "1.2.3.4 ",   "1.2.3.4/ 8",   "01.2.3.4",    "::1/",        "1.2.3.4/8a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (tix__lpm_parse(bad[i], strlen(bad[i]), &af, a, &plen) != -1)
            fail_msg("'%s' parsed", bad[i]);
    assert_int_equal(tix__lpm_parse("1.2.3.4\0/8", 10, &af, a, &plen), -1);
    assert_int_equal(tix__lpm_parse(NULL, 0, &af, a, &plen), -1);
    char longer[100];
    memset(longer, '1', sizeof longer);
    assert_int_equal(tix__lpm_parse(longer, sizeof longer, &af, a, &plen), -1);
}

/* ---- against a linear scan ------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

typedef struct {
    uint8_t a[16];
    unsigned plen;
    uint32_t value;
} ref_pfx;

static int contains(const ref_pfx *p, const uint8_t *a)
{
    for (unsigned b = 0; b < p->plen; b++)
        if (((p->a[b / 8] ^ a[b / 8]) >> (7 - b % 8)) & 1)
            return 0;
    return 1;
}

/* Random nested prefixes in a narrow space (so that they meet), looked up
 * at random and at every prefix's first and last address and one beyond. */
static void cross_check(int af)
{
    enum { N = 600 };
    unsigned bytes = af == 4 ? 4 : 16, bits = 8 * bytes;
    ref_pfx *p = calloc(N, sizeof *p);
    tix_lpm *t = tix__lpm_new();
    for (uint32_t i = 0; i < N; i++) {
        /* the top 8 bits fixed, the next 16 random, lengths around them */
        p[i].a[0] = (uint8_t)(0x40 + rnd() % 2);
        p[i].a[1] = (uint8_t)(rnd() % 4);
        p[i].a[2] = (uint8_t)rnd();
        for (unsigned b = 3; b < bytes; b++)
            p[i].a[b] = (uint8_t)rnd();
        unsigned r = rnd() % 10;
        p[i].plen = r == 0 ? rnd() % 9 : r < 4 ? 9 + rnd() % 8 : 17 + rnd() % (bits - 16);
        p[i].value = i;
        assert_int_equal(tix__lpm_insert(t, af, p[i].a, p[i].plen, i), TIX_EOK);
        for (unsigned b = p[i].plen; b < bits; b++)
            p[i].a[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
    }
    assert_int_equal(tix__lpm_build(t), TIX_EOK);
    tix_lpm_hit *h = malloc(N * sizeof *h);
    for (int q = 0; q < 3 * N + 2000; q++) {
        uint8_t a[16] = {0};
        if (q < 3 * N) {
            const ref_pfx *x = &p[q / 3];
            memcpy(a, x->a, bytes);
            if (q % 3) { /* last address, then one beyond (with carry) */
                for (unsigned b = x->plen; b < bits; b++)
                    a[b / 8] |= (uint8_t)(0x80u >> (b % 8));
                if (q % 3 == 2)
                    for (int k = (int)bytes - 1; k >= 0 && ++a[k] == 0; k--)
                        ;
            }
        } else {
            a[0] = (uint8_t)(0x40 + rnd() % 2);
            a[1] = (uint8_t)(rnd() % 4);
            for (unsigned b = 2; b < bytes; b++)
                a[b] = (uint8_t)rnd();
        }
        size_t n = tix__lpm_lookup(t, af, a, h, N);
        size_t want = 0;
        for (uint32_t i = 0; i < N; i++)
            want += (size_t)contains(&p[i], a);
        assert_int_equal(n, want);
        for (size_t k = 0; k < n; k++) {
            assert_true(contains(&p[h[k].value], a));
            assert_int_equal(h[k].plen, p[h[k].value].plen);
            if (k)
                assert_true(h[k].plen <= h[k - 1].plen);
        }
    }
    free(h);
    free(p);
    tix__lpm_free(t);
}

static void test_cross_check_v4(void **state)
{
    (void)state;
    cross_check(4);
}

static void test_cross_check_v6(void **state)
{
    (void)state;
    cross_check(6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting_longest_first),
        cmocka_unit_test(test_same_prefix_many_values),
        cmocka_unit_test(test_edges_v4),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_empty_and_misuse),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_cross_check_v4),
        cmocka_unit_test(test_cross_check_v6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
