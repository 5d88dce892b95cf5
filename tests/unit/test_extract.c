/* test_extract.c - the extractor through its public API: offsets, defanged
 * spellings, UTF-16LE strings, and streaming (windows, chunked feeds, file
 * ranges) giving exactly the hits of one scan of the whole input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/internal.h" /* TIX__WINDOW, TIX__MARGIN */
#include "tix/tix.h"

#define MiB ((size_t)1 << 20)

/* ---- collecting hits ---------------------------------------------------- */

struct rec {
    tix_obs_type type;
    char *value;
    uint64_t offset, raw_len;
    tix_encoding enc;
    bool defanged;
};

struct list {
    struct rec *v;
    size_t n, cap;
    size_t calls;
    size_t stop_after; /* return non-zero on this call (1-based); 0: never */
    uint64_t last;     /* offset of the previous hit */
    bool unordered;    /* a hit came before its predecessor */
    bool bad_value;    /* value not NUL-terminated at value_len */
};

static void list_clear(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].value);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int collect(void *ud, const tix_hit *h)
{
    struct list *l = ud;
    l->calls++;
    if (l->n && h->offset < l->last)
        l->unordered = true;
    l->last = h->offset;
    if (h->value == NULL || h->value[h->value_len] != '\0' ||
        strlen(h->value) != h->value_len)
        l->bad_value = true;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (l->v == NULL)
            abort();
    }
    char *v = malloc(h->value_len + 1);
    if (v == NULL)
        abort();
    memcpy(v, h->value, h->value_len);
    v[h->value_len] = '\0';
    l->v[l->n++] = (struct rec){h->type, v, h->offset, h->raw_len, h->encoding,
                                h->defanged};
    return l->stop_after && l->calls == l->stop_after;
}

static const char *enc_name(tix_encoding e)
{
    return e == TIX_ENC_ASCII ? "ascii" : e == TIX_ENC_UTF16LE ? "utf16le" : "?";
}

static void print_rec(const char *label, const struct rec *r)
{
    print_message("  %s: %s '%s' offset %llu raw_len %llu %s%s\n", label,
                  tix_obs_name(r->type) ? tix_obs_name(r->type) : "?", r->value,
                  (unsigned long long)r->offset, (unsigned long long)r->raw_len,
                  enc_name(r->enc), r->defanged ? " defanged" : "");
}

static bool rec_equal(const struct rec *a, const struct rec *b)
{
    return a->type == b->type && strcmp(a->value, b->value) == 0 &&
           a->offset == b->offset && a->raw_len == b->raw_len &&
           a->enc == b->enc && a->defanged == b->defanged;
}

/* got must be exactly want, in order. */
static void assert_lists_equal(const struct list *got, const struct list *want,
                               const char *what)
{
    size_t n = got->n < want->n ? got->n : want->n;
    for (size_t i = 0; i < n; i++) {
        if (!rec_equal(&got->v[i], &want->v[i])) {
            print_message("%s: hit %zu differs (%zu vs %zu hits)\n", what, i,
                          got->n, want->n);
            print_rec("got ", &got->v[i]);
            print_rec("want", &want->v[i]);
            fail_msg("%s: hit lists differ at %zu", what, i);
        }
    }
    if (got->n != want->n) {
        print_message("%s: %zu hits, want %zu\n", what, got->n, want->n);
        for (size_t i = n; i < got->n; i++)
            print_rec("extra", &got->v[i]);
        for (size_t i = n; i < want->n; i++)
            print_rec("missing", &want->v[i]);
        fail_msg("%s: hit counts differ", what);
    }
    assert_false(got->unordered);
    assert_false(got->bad_value);
}

static void want_add(struct list *l, tix_obs_type type, const char *value,
                     uint64_t offset, uint64_t raw_len, tix_encoding enc,
                     bool defanged)
{
    tix_hit h = {type, value, strlen(value), offset, raw_len, enc, defanged};
    collect(l, &h);
    l->calls = 0;
}

static int rec_cmp(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return (int)x->type - (int)y->type;
}

static tix_extractor *new_extractor(uint32_t types)
{
    tix_extractor *ex = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_extractor_new(&ex, types, &d), TIX_EOK);
    assert_non_null(ex);
    return ex;
}

/* All hits of tix_extract_mem over data. */
static void extract(const tix_extractor *ex, const void *data, size_t len,
                    struct list *out)
{
    tix_diag d = TIX_DIAG_INIT;
    tix_err rc = tix_extract_mem(ex, data, len, collect, out, &d);
    if (rc != TIX_EOK)
        fail_msg("tix_extract_mem: %d (%s)", (int)rc, d.msg);
}

static void extract_str(const char *s, struct list *out)
{
    tix_extractor *ex = new_extractor(0);
    extract(ex, s, strlen(s), out);
    tix_extractor_free(ex);
}

/* ---- simple offsets ----------------------------------------------------- */

static void test_offset_simple(void **state)
{
    (void)state;
    struct list got = {0}, want = {0};
    extract_str("see 1.2.3.4", &got);
    want_add(&want, TIX_OBS_IPV4, "1.2.3.4", 4, 7, TIX_ENC_ASCII, false);
    assert_lists_equal(&got, &want, "see 1.2.3.4");
    list_clear(&got);
    list_clear(&want);

    extract_str("1.2.3.4", &got);
    want_add(&want, TIX_OBS_IPV4, "1.2.3.4", 0, 7, TIX_ENC_ASCII, false);
    assert_lists_equal(&got, &want, "1.2.3.4");
    list_clear(&got);
    list_clear(&want);

    /* a sentence end is not part of the address; leading zeros; CIDR */
    extract_str("hosts 010.000.001.002 and 192.0.2.0/24 then 9.9.9.9.", &got);
    want_add(&want, TIX_OBS_IPV4, "10.0.1.2", 6, 15, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_IPV4, "192.0.2.0/24", 26, 12, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_IPV4, "9.9.9.9", 44, 7, TIX_ENC_ASCII, false);
    assert_lists_equal(&got, &want, "ipv4 rules");
    list_clear(&got);
    list_clear(&want);

    /* not addresses */
    extract_str("version 1.2.3.4.5 and v1.2.3.4 and 1.2.3.4x and 300.1.1.1", &got);
    assert_lists_equal(&got, &want, "non-addresses");
    list_clear(&got);

    /* hashes by exact run length, CVE, e-mail, url + its host */
    const char *s = "md5=D41D8CD98F00B204E9800998ECF8427E; "
                    "x d41d8cd98f00b204e9800998ecf8427e0 (33 digits) "
                    "CVE-2021-44228, cve-2024-12345678 mail john.doe@Example.org, "
                    "get https://Sub.Example.com:443/A/b?c=D.";
    extract_str(s, &got);
    want_add(&want, TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e",
             (uint64_t)(strstr(s, "D41D") - s), 32, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_CVE, "CVE-2021-44228",
             (uint64_t)(strstr(s, "CVE-") - s), 14, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_CVE, "CVE-2024-12345678",
             (uint64_t)(strstr(s, "cve-") - s), 17, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_EMAIL, "john.doe@example.org",
             (uint64_t)(strstr(s, "john") - s), 20, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_URL, "https://sub.example.com/A/b?c=D",
             (uint64_t)(strstr(s, "https") - s), 35, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_DOMAIN, "sub.example.com",
             (uint64_t)(strstr(s, "Sub.") - s), 15, TIX_ENC_ASCII, false);
    assert_lists_equal(&got, &want, "mixed");
    list_clear(&got);
    list_clear(&want);
}

/* ---- defanged ----------------------------------------------------------- */

struct dcase {
    const char *in;
    tix_obs_type type;
    const char *value;
    const char *at; /* the hit's first bytes in the input */
    size_t raw_len;
    bool defanged;
};

static void test_defanged_flag(void **state)
{
    (void)state;
    static const struct dcase cases[] = {
        {"x evil.com", TIX_OBS_DOMAIN, "evil.com", "evil", 8, false},
        {"x evil[.]com", TIX_OBS_DOMAIN, "evil.com", "evil", 10, true},
        {"x evil(.)com", TIX_OBS_DOMAIN, "evil.com", "evil", 10, true},
        {"x evil{.}com", TIX_OBS_DOMAIN, "evil.com", "evil", 10, true},
        {"x evil[dot]com", TIX_OBS_DOMAIN, "evil.com", "evil", 12, true},
        {"x evil(DOT)com", TIX_OBS_DOMAIN, "evil.com", "evil", 12, true},
        {"x evil{Dot}com", TIX_OBS_DOMAIN, "evil.com", "evil", 12, true},
        {"x evil\\.com", TIX_OBS_DOMAIN, "evil.com", "evil", 9, true},
        {"x evil [.] com", TIX_OBS_DOMAIN, "evil.com", "evil", 12, true},
        {"x 10.0.0[.]1", TIX_OBS_IPV4, "10.0.0.1", "10.", 10, true},
        {"x 10.0.0.1", TIX_OBS_IPV4, "10.0.0.1", "10.", 8, false},
        {"x john@example.com", TIX_OBS_EMAIL, "john@example.com", "john", 16, false},
        {"x john[@]example.com", TIX_OBS_EMAIL, "john@example.com", "john", 18, true},
        {"x john(at)example.com", TIX_OBS_EMAIL, "john@example.com", "john", 19, true},
        {"x john[AT]example[.]com", TIX_OBS_EMAIL, "john@example.com", "john", 21, true},
        {"x john{at}example.com", TIX_OBS_EMAIL, "john@example.com", "john", 19, true},
        {"x john [at] evil [dot] com", TIX_OBS_EMAIL, "john@evil.com", "john", 24, true},
        {"x http://evil.com/a", TIX_OBS_URL, "http://evil.com/a", "http", 17, false},
        {"x hxxp://evil.com/a", TIX_OBS_URL, "http://evil.com/a", "hxxp", 17, true},
        {"x hXXps://evil.com/a", TIX_OBS_URL, "https://evil.com/a", "hXXps", 18, true},
        {"x fxp://evil.com/a", TIX_OBS_URL, "ftp://evil.com/a", "fxp", 16, true},
        {"x http[://]evil.com/a", TIX_OBS_URL, "http://evil.com/a", "http", 19, true},
        {"x http[:]//evil.com/a", TIX_OBS_URL, "http://evil.com/a", "http", 19, true},
        {"x http://evil[.]com/a", TIX_OBS_URL, "http://evil.com/a", "http", 19, true},
        /* the host of a defanged URL is defanged only if its own span is */
        {"x hxxp://evil.com/a", TIX_OBS_DOMAIN, "evil.com", "evil", 8, false},
        {"x http[://]evil.com/a", TIX_OBS_DOMAIN, "evil.com", "evil", 8, false},
        {"x hxxp://evil[.]com/a", TIX_OBS_DOMAIN, "evil.com", "evil", 10, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct dcase *c = &cases[i];
        struct list got = {0};
        extract_str(c->in, &got);
        uint64_t off = (uint64_t)(strstr(c->in, c->at) - c->in);
        size_t found = 0;
        for (size_t k = 0; k < got.n; k++) {
            const struct rec *r = &got.v[k];
            if (r->type != c->type)
                continue;
            found++;
            if (strcmp(r->value, c->value) != 0 || r->offset != off ||
                r->raw_len != c->raw_len || r->defanged != c->defanged ||
                r->enc != TIX_ENC_ASCII) {
                print_rec("got", r);
                fail_msg("'%s': want %s '%s' offset %llu raw_len %zu defanged %d",
                         c->in, tix_obs_name(c->type), c->value,
                         (unsigned long long)off, c->raw_len, c->defanged);
            }
        }
        if (found != 1)
            fail_msg("'%s': %zu %s hits, want 1", c->in, found, tix_obs_name(c->type));
        list_clear(&got);
    }
}

static void test_refanged_offsets(void **state)
{
    (void)state;
    const char *s = "x a[.]example[.]com, b(dot)example(dot)net and 10.0.0.1 "
                    "or john [at] mail [.] example [.] org; c\\.example\\.org "
                    "hxxps://d[.]example[.]com[:]8443/p[.]q then 192.168.1.1";
    struct list got = {0}, want = {0};
    extract_str(s, &got);
#define AT(sub) ((uint64_t)(strstr(s, sub) - s))
    want_add(&want, TIX_OBS_DOMAIN, "a.example.com", 2, 17, TIX_ENC_ASCII, true);
    want_add(&want, TIX_OBS_DOMAIN, "b.example.net", AT("b(dot)"), 21, TIX_ENC_ASCII, true);
    want_add(&want, TIX_OBS_IPV4, "10.0.0.1", AT("10.0"), 8, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_EMAIL, "john@mail.example.org", AT("john"),
             strlen("john [at] mail [.] example [.] org"), TIX_ENC_ASCII, true);
    want_add(&want, TIX_OBS_DOMAIN, "c.example.org", AT("c\\."), 15, TIX_ENC_ASCII, true);
    want_add(&want, TIX_OBS_URL, "https://d.example.com:8443/p.q", AT("hxxps"),
             strlen("hxxps://d[.]example[.]com[:]8443/p[.]q"), TIX_ENC_ASCII, true);
    want_add(&want, TIX_OBS_DOMAIN, "d.example.com", AT("d[.]"),
             strlen("d[.]example[.]com"), TIX_ENC_ASCII, true);
    want_add(&want, TIX_OBS_IPV4, "192.168.1.1", AT("192."), 11, TIX_ENC_ASCII, false);
#undef AT
    assert_lists_equal(&got, &want, "refanged offsets");
    list_clear(&got);
    list_clear(&want);
}

/* Many defangs before a hit: each one shifts later offsets. */
static void test_refanged_offsets_many(void **state)
{
    (void)state;
    size_t cap = 200000;
    char *s = malloc(cap);
    assert_non_null(s);
    struct list want = {0};
    size_t n = 0;
    for (int i = 0; i < 2000; i++) {
        int k = i % 4;
        char name[64];
        int nl;
        if (k == 0)
            nl = snprintf(name, sizeof name, "h%d[.]example[.]com", i);
        else if (k == 1)
            nl = snprintf(name, sizeof name, "h%d (dot) example {.} net", i);
        else if (k == 2)
            nl = snprintf(name, sizeof name, "10.%d.%d.%d", i / 256 % 256, i % 256, k);
        else
            nl = snprintf(name, sizeof name, "u%d[at]example[.]org", i);
        char value[64];
        if (k == 0)
            snprintf(value, sizeof value, "h%d.example.com", i);
        else if (k == 1)
            snprintf(value, sizeof value, "h%d.example.net", i);
        else if (k == 2)
            snprintf(value, sizeof value, "10.%d.%d.%d", i / 256 % 256, i % 256, k);
        else
            snprintf(value, sizeof value, "u%d@example.org", i);
        memcpy(s + n, name, (size_t)nl);
        want_add(&want, k == 2 ? TIX_OBS_IPV4 : k == 3 ? TIX_OBS_EMAIL : TIX_OBS_DOMAIN,
                 value, n, (uint64_t)nl, TIX_ENC_ASCII, k != 2);
        n += (size_t)nl;
        memcpy(s + n, " ;\n", 3);
        n += 3;
    }
    struct list got = {0};
    tix_extractor *ex = new_extractor(0);
    extract(ex, s, n, &got);
    assert_lists_equal(&got, &want, "2000 defanged hits");
    tix_extractor_free(ex);
    list_clear(&got);
    list_clear(&want);
    free(s);
}

/* ---- UTF-16LE ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Write s as UTF-16LE at p; returns the bytes written. */
static size_t put_utf16(uint8_t *p, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        p[2 * i] = (uint8_t)s[i];
        p[2 * i + 1] = 0;
    }
    return 2 * n;
}

static void test_utf16(void **state)
{
    (void)state;
    size_t n = 8192;
    uint8_t *b = malloc(n);
    assert_non_null(b);
    rng_state = 0x1234567887654321ull;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)rnd();

    const char *u = "http://c2.example-domain.com/gate.php";
    /* an ASCII string before, the UTF-16 string at an odd offset, another
     * ASCII string after, all NUL-delimited as in a binary */
    const char *a1 = "GET http://ascii.example.net/x";
    memcpy(b + 499, "\0", 1);
    memcpy(b + 500, a1, strlen(a1));
    b[500 + strlen(a1)] = 0;

    size_t u16at = 1001;
    b[u16at - 2] = b[u16at - 1] = 0;
    size_t ul = put_utf16(b + u16at, u);
    b[u16at + ul] = b[u16at + ul + 1] = 0;

    /* a defanged UTF-16 string at an even offset: hits after the defang */
    const char *u2 = "see hxxp://bad[.]example[.]org/x and 10.1.2.3 ok";
    size_t u2at = 3000;
    b[u2at - 2] = b[u2at - 1] = 0;
    size_t u2l = put_utf16(b + u2at, u2);
    b[u2at + u2l] = b[u2at + u2l + 1] = 0;

    const char *a2 = "beacon to 203.0.113.77 now";
    b[4999] = 0;
    memcpy(b + 5000, a2, strlen(a2));
    b[5000 + strlen(a2)] = 0;

    struct list want = {0};
    want_add(&want, TIX_OBS_URL, "http://ascii.example.net/x", 504, 26, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_DOMAIN, "ascii.example.net", 511, 17, TIX_ENC_ASCII, false);
    want_add(&want, TIX_OBS_URL, u, u16at, 2 * strlen(u), TIX_ENC_UTF16LE, false);
    want_add(&want, TIX_OBS_DOMAIN, "c2.example-domain.com", u16at + 14, 42,
             TIX_ENC_UTF16LE, false);
    want_add(&want, TIX_OBS_URL, "http://bad.example.org/x", u2at + 2 * 4,
             2 * strlen("hxxp://bad[.]example[.]org/x"), TIX_ENC_UTF16LE, true);
    want_add(&want, TIX_OBS_DOMAIN, "bad.example.org", u2at + 2 * 11,
             2 * strlen("bad[.]example[.]org"), TIX_ENC_UTF16LE, true);
    want_add(&want, TIX_OBS_IPV4, "10.1.2.3", u2at + 2 * (size_t)(strstr(u2, "10.") - u2),
             16, TIX_ENC_UTF16LE, false);
    want_add(&want, TIX_OBS_IPV4, "203.0.113.77", 5010, 12, TIX_ENC_ASCII, false);

    tix_extractor *ex = new_extractor(0);
    struct list got = {0};
    extract(ex, b, n, &got);
    assert_lists_equal(&got, &want, "utf16 in random bytes");
    list_clear(&got);

    /* the same through a stream fed one byte at a time */
    tix_scan *sc = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_scan_new(&sc, ex, collect, &got, &d), TIX_EOK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tix_scan_feed(sc, b + i, 1, &d), TIX_EOK);
    assert_int_equal(tix_scan_finish(sc, &d), TIX_EOK);
    assert_lists_equal(&got, &want, "utf16 fed bytewise");
    list_clear(&got);
    tix_scan_free(sc);

    tix_extractor_free(ex);
    list_clear(&want);
    free(b);
}

/* ---- types mask --------------------------------------------------------- */

static void test_types_mask(void **state)
{
    (void)state;
    const char *s = "1.2.3.4 evil.com http://x.example.com/p a@example.org "
                    "CVE-2020-0601 d41d8cd98f00b204e9800998ecf8427e";
    struct list got = {0};
    tix_extractor *ex = new_extractor(TIX_OBS_BIT(TIX_OBS_IPV4));
    extract(ex, s, strlen(s), &got);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.v[0].type, TIX_OBS_IPV4);
    tix_extractor_free(ex);
    list_clear(&got);

    /* url only: the host is not reported on its own */
    ex = new_extractor(TIX_OBS_BIT(TIX_OBS_URL));
    extract(ex, s, strlen(s), &got);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.v[0].type, TIX_OBS_URL);
    assert_string_equal(got.v[0].value, "http://x.example.com/p");
    tix_extractor_free(ex);
    list_clear(&got);

    ex = new_extractor(TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_MD5));
    extract(ex, s, strlen(s), &got);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.v[0].value, "evil.com");
    assert_string_equal(got.v[1].value, "x.example.com");
    assert_int_equal(got.v[2].type, TIX_OBS_MD5);
    tix_extractor_free(ex);
    list_clear(&got);

    /* 0 means all */
    ex = new_extractor(0);
    extract(ex, s, strlen(s), &got);
    assert_int_equal(got.n, 7);
    tix_extractor_free(ex);
    list_clear(&got);
}

/* ---- empty input, stopping, reuse --------------------------------------- */

static FILE *temp_with(const void *data, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fflush(f), 0);
    rewind(f);
    return f;
}

static void test_empty(void **state)
{
    (void)state;
    tix_extractor *ex = new_extractor(0);
    struct list got = {0};
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_extract_mem(ex, "", 0, collect, &got, &d), TIX_EOK);
    assert_int_equal(got.calls, 0);

    tix_scan *sc = NULL;
    assert_int_equal(tix_scan_new(&sc, ex, collect, &got, &d), TIX_EOK);
    assert_int_equal(tix_scan_finish(sc, &d), TIX_EOK);
    assert_int_equal(tix_scan_feed(sc, "", 0, &d), TIX_EOK);
    assert_int_equal(tix_scan_finish(sc, &d), TIX_EOK);
    FILE *f = temp_with("", 0);
    assert_int_equal(tix_scan_fd(sc, fileno(f), &d), TIX_EOK);
    assert_int_equal(tix_scan_fd_range(sc, fileno(f), 0, 0, 0, &d), TIX_EOK);
    fclose(f);
    assert_int_equal(got.calls, 0);
    assert_int_equal(d.code, TIX_EOK);

    /* nothing but filler */
    const char *s = "no indicators here, just words: a b c. ok? yes!";
    assert_int_equal(tix_extract_mem(ex, s, strlen(s), collect, &got, &d), TIX_EOK);
    assert_int_equal(got.calls, 0);
    tix_scan_free(sc);
    tix_scan_free(NULL);
    tix_extractor_free(ex);
    tix_extractor_free(NULL);
}

static void test_stop(void **state)
{
    (void)state;
    tix_extractor *ex = new_extractor(0);
    const char *s = "1.1.1.1 2.2.2.2 3.3.3.3";
    struct list got = {0};
    got.stop_after = 1;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_extract_mem(ex, s, strlen(s), collect, &got, &d), TIX_ESTOPPED);
    assert_int_equal(d.code, TIX_ESTOPPED);
    assert_int_equal(got.calls, 1);
    assert_string_equal(got.v[0].value, "1.1.1.1");
    list_clear(&got);

    got.stop_after = 2;
    tix_diag_clear(&d);
    assert_int_equal(tix_extract_mem(ex, s, strlen(s), collect, &got, &d), TIX_ESTOPPED);
    assert_int_equal(got.calls, 2);
    list_clear(&got);

    /* in a stream: a hit in the third window stops the feed */
    size_t n = 3 * MiB + 1000;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'z', n);
    for (size_t k = 0; k < 6; k++) {
        size_t at = k * (MiB / 2) + 100;
        memcpy(big + at, " 10.0.0.1 ", 10);
        big[at + 8] = (char)('1' + k);
    }
    got.stop_after = 5; /* at 2 MiB + 100 */
    tix_scan *sc = NULL;
    tix_diag_clear(&d);
    assert_int_equal(tix_scan_new(&sc, ex, collect, &got, &d), TIX_EOK);
    tix_err rc = TIX_EOK;
    for (size_t off = 0; off < n && rc == TIX_EOK; off += 4096)
        rc = tix_scan_feed(sc, big + off, n - off < 4096 ? n - off : 4096, &d);
    if (rc == TIX_EOK)
        rc = tix_scan_finish(sc, &d);
    assert_int_equal(rc, TIX_ESTOPPED);
    assert_int_equal(d.code, TIX_ESTOPPED);
    assert_int_equal(got.calls, 5);
    assert_int_equal(got.v[4].offset, 2 * MiB + 101);
    list_clear(&got);

    /* and through a file */
    FILE *f = temp_with(big, n);
    got.stop_after = 3;
    tix_diag_clear(&d);
    assert_int_equal(tix_scan_fd(sc, fileno(f), &d), TIX_ESTOPPED);
    assert_int_equal(got.calls, 3);
    list_clear(&got);
    got.stop_after = 1;
    tix_diag_clear(&d);
    assert_int_equal(tix_scan_fd_range(sc, fileno(f), MiB, 3 * MiB, n, &d), TIX_ESTOPPED);
    assert_int_equal(got.calls, 1);
    assert_int_equal(got.v[0].offset, MiB + 101);
    list_clear(&got);
    fclose(f);
    tix_scan_free(sc);
    free(big);
    tix_extractor_free(ex);
}

static void test_scan_reuse(void **state)
{
    (void)state;
    tix_extractor *ex = new_extractor(0);
    struct list got = {0};
    tix_diag d = TIX_DIAG_INIT;
    tix_scan *sc = NULL;
    assert_int_equal(tix_scan_new(&sc, ex, collect, &got, &d), TIX_EOK);
    assert_int_equal(tix_scan_feed(sc, "see 1.2.", 8, &d), TIX_EOK);
    assert_int_equal(tix_scan_feed(sc, "3.4", 3, &d), TIX_EOK);
    assert_int_equal(tix_scan_finish(sc, &d), TIX_EOK);
    /* a new stream: offsets start again at 0 */
    assert_int_equal(tix_scan_feed(sc, "ab 5.6.7.8", 10, &d), TIX_EOK);
    assert_int_equal(tix_scan_finish(sc, &d), TIX_EOK);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.v[0].value, "1.2.3.4");
    assert_int_equal(got.v[0].offset, 4);
    assert_string_equal(got.v[1].value, "5.6.7.8");
    assert_int_equal(got.v[1].offset, 3);
    list_clear(&got);

    /* and after a file scan */
    FILE *f = temp_with("xx 9.9.9.9", 10);
    assert_int_equal(tix_scan_fd(sc, fileno(f), &d), TIX_EOK);
    assert_int_equal(tix_scan_feed(sc, "9.9.9.9", 7, &d), TIX_EOK);
    assert_int_equal(tix_scan_finish(sc, &d), TIX_EOK);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.v[0].offset, 3);
    assert_int_equal(got.v[1].offset, 0);
    list_clear(&got);
    fclose(f);
    tix_scan_free(sc);
    tix_extractor_free(ex);
}

/* ---- streaming over many windows ---------------------------------------- */

struct exp {
    tix_obs_type type;
    const char *value;
    size_t at, len; /* in characters of the planted text */
    bool defanged;
};

struct kind {
    const char *text;
    bool utf16;
    struct exp e[2];
};

#define SHA512_EMPTY                                                         \
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"       \
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
#define XMR_ADDR                                                             \
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uN" \
    "br2VBBEt7f2wfn3RVGQBEP3A"

static const struct kind kinds[] = {
    {"1.2.3.4", false, {{TIX_OBS_IPV4, "1.2.3.4", 0, 7, false}}},
    {"evil[.]example[.]com", false,
     {{TIX_OBS_DOMAIN, "evil.example.com", 0, 20, true}}},
    {"http://c2.example-domain.com/gate.php", false,
     {{TIX_OBS_URL, "http://c2.example-domain.com/gate.php", 0, 37, false},
      {TIX_OBS_DOMAIN, "c2.example-domain.com", 7, 21, false}}},
    {"john.doe@example.org", false,
     {{TIX_OBS_EMAIL, "john.doe@example.org", 0, 20, false}}},
    {"D41D8CD98F00B204E9800998ECF8427E", false,
     {{TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e", 0, 32, false}}},
    {"da39a3ee5e6b4b0d3255bfef95601890afd80709", false,
     {{TIX_OBS_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", 0, 40, false}}},
    {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false,
     {{TIX_OBS_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       0, 64, false}}},
    {SHA512_EMPTY, false, {{TIX_OBS_SHA512, SHA512_EMPTY, 0, 128, false}}},
    {"cve-2021-44228", false, {{TIX_OBS_CVE, "CVE-2021-44228", 0, 14, false}}},
    {"2001:DB8:0:0:0:0:2:1", false, {{TIX_OBS_IPV6, "2001:db8::2:1", 0, 20, false}}},
    {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", false,
     {{TIX_OBS_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 0, 34, false}}},
    {XMR_ADDR, false, {{TIX_OBS_XMR, XMR_ADDR, 0, 95, false}}},
    {"http://c2.example-domain.com/gate.php", true,
     {{TIX_OBS_URL, "http://c2.example-domain.com/gate.php", 0, 37, false},
      {TIX_OBS_DOMAIN, "c2.example-domain.com", 7, 21, false}}},
    {"hxxps://evil[.]example[.]net/a?b=c", false,
     {{TIX_OBS_URL, "https://evil.example.net/a?b=c", 0, 34, true},
      {TIX_OBS_DOMAIN, "evil.example.net", 8, 20, true}}},
    {"hxxp://bad[.]example[.]org/x", true,
     {{TIX_OBS_URL, "http://bad.example.org/x", 0, 28, true},
      {TIX_OBS_DOMAIN, "bad.example.org", 7, 19, true}}},
    {"192.168.010.001/24", false, {{TIX_OBS_IPV4, "192.168.10.1/24", 0, 18, false}}},
    {"https://[2001:db8::7]:8443/x", false,
     {{TIX_OBS_URL, "https://[2001:db8::7]:8443/x", 0, 28, false},
      {TIX_OBS_IPV6, "2001:db8::7", 9, 11, false}}},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static size_t kind_bytes(const struct kind *k)
{
    return strlen(k->text) * (k->utf16 ? 2 : 1);
}

static const char *const words[] = {
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing",
    "elit", "sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore",
    "et", "dolore", "magna", "aliqua", "Ut", "enim", "ad", "minim", "veniam",
    "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi",
};

/* Text and binary noise with no indicator in it. */
static void fill(uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint64_t r = rnd();
        const char *w;
        char noise[4] = {'\0', (char)0xfe, '\x01', ' '};
        size_t wl;
        if (r % 23 == 0) {
            w = noise;
            wl = 4;
        } else {
            w = words[(r >> 8) % (sizeof words / sizeof words[0])];
            wl = strlen(w);
        }
        for (size_t k = 0; k < wl && i < n; k++)
            b[i++] = (uint8_t)w[k];
        if (i < n)
            b[i++] = (r >> 20) % 11 == 0 ? '\n' : ' ';
    }
}

struct planted {
    size_t lo, hi; /* bytes touched, delimiters included */
};

static bool overlaps(const struct planted *p, size_t np, size_t lo, size_t hi)
{
    for (size_t i = 0; i < np; i++)
        if (lo < p[i].hi + 16 && p[i].lo < hi + 16)
            return true;
    return false;
}

/* Plant kind k with its first hit byte at pos; add its hits to want. */
static void plant(uint8_t *b, size_t n, size_t pos, const struct kind *k,
                  struct planted *pl, size_t *npl, struct list *want)
{
    size_t bytes = kind_bytes(k);
    size_t lo = pos - 2, hi = pos + bytes + 2;
    assert_true(pos >= 2 && hi <= n);
    if (pl)
        assert_false(overlaps(pl, *npl, lo, hi));
    if (k->utf16) {
        b[pos - 2] = b[pos - 1] = 0;
        put_utf16(b + pos, k->text);
        b[pos + bytes] = b[pos + bytes + 1] = 0;
    } else {
        b[pos - 2] = 'a';
        b[pos - 1] = ' ';
        memcpy(b + pos, k->text, bytes);
        b[pos + bytes] = ' ';
        b[pos + bytes + 1] = 'z';
    }
    if (pl)
        pl[(*npl)++] = (struct planted){lo, hi};
    unsigned stride = k->utf16 ? 2 : 1;
    for (int i = 0; i < 2 && k->e[i].value; i++) {
        const struct exp *e = &k->e[i];
        want_add(want, e->type, e->value, pos + stride * e->at, stride * e->len,
                 k->utf16 ? TIX_ENC_UTF16LE : TIX_ENC_ASCII, e->defanged);
    }
}

struct bigbuf {
    uint8_t *b;
    size_t n;
    struct list want;
    size_t starts[512]; /* where planted hits start, for split points */
    size_t nstarts;
};

/* Round r: ~5 MiB of filler with indicators at every window boundary
 * (k MiB + 16 KiB in a stream), at the edges of the context kept around
 * each window (k MiB, k MiB + 32 KiB) and 16 KiB before, each ending j
 * bytes past the boundary for j = 0..40 over the rounds, plus random ones. */
#define DENSE_ROUND 1000u

static void make_big(struct bigbuf *bb, unsigned r)
{
    static const long delta[] = {-(long)TIX__MARGIN, 0, (long)TIX__MARGIN,
                                 2 * (long)TIX__MARGIN};
    memset(bb, 0, sizeof *bb);
    bb->n = 5 * MiB + 3 * TIX__MARGIN + 1000 + r * 777;
    bb->b = malloc(bb->n);
    assert_non_null(bb->b);
    rng_state = 0x9E3779B97F4A7C15ull * (r + 1);
    fill(bb->b, bb->n);
    if (r >= DENSE_ROUND) {
        /* indicators every few bytes in bands of +-48 KiB around every
         * MiB, so that some straddle any window boundary and any edge of
         * the context kept around a window, whatever their exact layout */
        for (size_t k = 0; k * MiB < bb->n; k++) {
            size_t pos = k * MiB > 48 * 1024 ? k * MiB - 48 * 1024 : 2 + 17;
            size_t end = k * MiB + 48 * 1024;
            for (;;) {
                const struct kind *kd = &kinds[rnd() % NKINDS];
                if (pos + kind_bytes(kd) + 2 > bb->n || pos > end)
                    break;
                if (bb->nstarts < sizeof bb->starts / sizeof bb->starts[0] &&
                    rnd() % 64 == 0)
                    bb->starts[bb->nstarts++] = pos;
                plant(bb->b, bb->n, pos, kd, NULL, NULL, &bb->want);
                pos += kind_bytes(kd) + 4 + rnd() % 9;
            }
        }
        return;
    }
    struct planted pl[512];
    size_t npl = 0;
    for (size_t k = 1; k <= 5; k++) {
        for (size_t c = 0; c < 4; c++) {
            size_t boundary = (size_t)((long)(k * MiB) + delta[c]);
            size_t j = (r * 5 + (k - 1) + 13 * c) % 41;
            const struct kind *kd = &kinds[(r * 20 + (k - 1) * 4 + c) % NKINDS];
            /* the hit starts j bytes before the boundary; when it is
             * longer than j it straddles it */
            size_t pos = boundary - j;
            bb->starts[bb->nstarts++] = pos;
            plant(bb->b, bb->n, pos, kd, pl, &npl, &bb->want);
            /* and another right after it, starting near the boundary */
            size_t pos2 = pos + kind_bytes(kd) + 20 + r % 7;
            const struct kind *kd2 = &kinds[(r + k + c) % NKINDS];
            if (!overlaps(pl, npl, pos2 - 2, pos2 + kind_bytes(kd2) + 2)) {
                bb->starts[bb->nstarts++] = pos2;
                plant(bb->b, bb->n, pos2, kd2, pl, &npl, &bb->want);
            }
        }
    }
    /* random ones */
    for (int i = 0; i < 150; i++) {
        const struct kind *kd = &kinds[rnd() % NKINDS];
        size_t bytes = kind_bytes(kd);
        size_t pos = 2 + (size_t)(rnd() % (bb->n - bytes - 4));
        if (overlaps(pl, npl, pos - 2, pos + bytes + 2))
            continue;
        if (bb->nstarts < sizeof bb->starts / sizeof bb->starts[0])
            bb->starts[bb->nstarts++] = pos;
        plant(bb->b, bb->n, pos, kd, pl, &npl, &bb->want);
    }
    /* the very end of the input */
    const struct kind *last = &kinds[r % NKINDS];
    size_t pos = bb->n - kind_bytes(last) - 2;
    if (!overlaps(pl, npl, pos - 2, bb->n))
        plant(bb->b, bb->n, pos, last, pl, &npl, &bb->want);
    qsort(bb->want.v, bb->want.n, sizeof *bb->want.v, rec_cmp);
}

static void free_big(struct bigbuf *bb)
{
    free(bb->b);
    list_clear(&bb->want);
}

/* Feed bb in chunks: size > 0 fixed, 0 random. */
static void feed_chunks(tix_scan *sc, const struct bigbuf *bb, size_t size)
{
    tix_diag d = TIX_DIAG_INIT;
    size_t off = 0;
    while (off < bb->n) {
        size_t c = size;
        if (c == 0) {
            uint64_t r = rnd();
            c = r % 4 == 0 ? 1 + r % 16 : r % 4 == 1 ? 1 + (r >> 8) % 5000
                                                     : 1 + (r >> 8) % 400000;
        }
        if (c > bb->n - off)
            c = bb->n - off;
        tix_err rc = tix_scan_feed(sc, bb->b + off, c, &d);
        if (rc != TIX_EOK)
            fail_msg("feed at %zu: %d (%s)", off, (int)rc, d.msg);
        off += c;
    }
    tix_err rc = tix_scan_finish(sc, &d);
    if (rc != TIX_EOK)
        fail_msg("finish: %d (%s)", (int)rc, d.msg);
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void check_big_round(unsigned r, bool all_chunkings)
{
    struct bigbuf bb;
    make_big(&bb, r);
    tix_extractor *ex = new_extractor(0);
    char what[128];

    /* (a) one scan of the whole buffer: every planted hit exactly once at
     * its offset, nothing else */
    struct list mem = {0};
    extract(ex, bb.b, bb.n, &mem);
    snprintf(what, sizeof what, "round %u: tix_extract_mem vs planted", r);
    assert_lists_equal(&mem, &bb.want, what);

    /* (b) any split of the stream gives the same hits */
    static const size_t sizes[] = {1, 7, 4096, 65537, 0, 0};
    tix_scan *sc = NULL;
    tix_diag d = TIX_DIAG_INIT;
    struct list got = {0};
    assert_int_equal(tix_scan_new(&sc, ex, collect, &got, &d), TIX_EOK);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (!all_chunkings && i != r % (sizeof sizes / sizeof sizes[0]))
            continue;
        feed_chunks(sc, &bb, sizes[i]);
        snprintf(what, sizeof what, "round %u: feed in chunks of %zu%s", r,
                 sizes[i], sizes[i] ? "" : " (random)");
        assert_lists_equal(&got, &mem, what);
        list_clear(&got);
    }

    /* (c) a file: one scan of the fd, and ranges that tile it */
    FILE *f = temp_with(bb.b, bb.n);
    int fd = fileno(f);
    assert_int_equal(tix_scan_fd(sc, fd, &d), TIX_EOK);
    struct list whole = {0};
    whole = got;
    memset(&got, 0, sizeof got);
    snprintf(what, sizeof what, "round %u: tix_scan_fd vs tix_extract_mem", r);
    assert_lists_equal(&whole, &mem, what);

    size_t cuts[64];
    size_t nc = 0;
    cuts[nc++] = 0;
    cuts[nc++] = bb.n;
    cuts[nc++] = MiB;                        /* a window size */
    cuts[nc++] = MiB + TIX__MARGIN;          /* a stream boundary */
    cuts[nc++] = 2 * MiB + MiB / 2 + r;      /* somewhere */
    cuts[nc++] = 2 * MiB + MiB / 2 + r + 50; /* a short range */
    cuts[nc++] = bb.n - 1;
    for (int i = 0; i < 6; i++) /* inside planted indicators */
        cuts[nc++] = bb.starts[(r * 7 + (unsigned)i * 11) % bb.nstarts] + 1 + (unsigned)i * 3;
    for (int i = 0; i < 4; i++)
        cuts[nc++] = (size_t)(rnd() % bb.n);
    qsort(cuts, nc, sizeof cuts[0], size_cmp);
    struct list tiled = {0};
    for (size_t i = 0; i + 1 < nc; i++) {
        /* duplicates give empty ranges, which must report nothing */
        size_t before = got.n;
        tix_err rc = tix_scan_fd_range(sc, fd, cuts[i], cuts[i + 1], bb.n, &d);
        if (rc != TIX_EOK)
            fail_msg("round %u: range [%zu, %zu): %d (%s)", r, cuts[i], cuts[i + 1],
                     (int)rc, d.msg);
        for (size_t k = before; k < got.n; k++)
            if (got.v[k].offset < cuts[i] || got.v[k].offset >= cuts[i + 1])
                fail_msg("round %u: range [%zu, %zu) reported a hit at %llu", r,
                         cuts[i], cuts[i + 1], (unsigned long long)got.v[k].offset);
    }
    tiled = got;
    memset(&got, 0, sizeof got);
    snprintf(what, sizeof what, "round %u: tiled tix_scan_fd_range vs tix_scan_fd", r);
    assert_lists_equal(&tiled, &whole, what);

    /* a range scan after the ranges: the scan object is reusable */
    assert_int_equal(tix_scan_fd_range(sc, fd, 0, bb.n, bb.n, &d), TIX_EOK);
    snprintf(what, sizeof what, "round %u: one range over the whole file", r);
    assert_lists_equal(&got, &whole, what);
    list_clear(&got);

    fclose(f);
    tix_scan_free(sc);
    list_clear(&tiled);
    list_clear(&whole);
    list_clear(&mem);
    tix_extractor_free(ex);
    free_big(&bb);
}

static void test_stream_windows(void **state)
{
    (void)state;
    /* the layout below is designed around these */
    assert_int_equal(TIX__WINDOW, MiB);
    assert_int_equal(TIX__MARGIN, 16 * 1024);
    for (unsigned r = 0; r < 9; r++) /* 9 rounds cover j = 0..40 */
        check_big_round(r, r < 2);
}

static void test_stream_dense(void **state)
{
    (void)state;
    check_big_round(DENSE_ROUND, true);
    check_big_round(DENSE_ROUND + 1, false);
}

/* The text scanner has SSE2, AVX2 and AVX-512 versions, picked at run time;
 * run the content tests and a dense stream on each one the CPU has. */
static void test_simd_levels(void **state)
{
    for (int level = 0; level <= 2; level++) {
        int used = tix__simd_limit(level);
        if (used != level)
            continue;
        print_message("simd level %d\n", level);
        test_offset_simple(state);
        test_defanged_flag(state);
        test_refanged_offsets(state);
        test_refanged_offsets_many(state);
        test_utf16(state);
        test_types_mask(state);
        check_big_round(DENSE_ROUND + 10 + (unsigned)level, false);
    }
    tix__simd_limit(2);
}

/* Hits come in non-decreasing offset order, across windows too. */
static void test_order(void **state)
{
    (void)state;
    struct bigbuf bb;
    make_big(&bb, 77);
    tix_extractor *ex = new_extractor(0);
    struct list got = {0};
    extract(ex, bb.b, bb.n, &got);
    assert_false(got.unordered);
    assert_true(got.n > 100);
    for (size_t i = 1; i < got.n; i++)
        assert_true(got.v[i - 1].offset <= got.v[i].offset);
    list_clear(&got);
    tix_extractor_free(ex);
    free_big(&bb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offset_simple),
        cmocka_unit_test(test_defanged_flag),
        cmocka_unit_test(test_refanged_offsets),
        cmocka_unit_test(test_refanged_offsets_many),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_types_mask),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_scan_reuse),
        cmocka_unit_test(test_stream_windows),
        cmocka_unit_test(test_stream_dense),
        cmocka_unit_test(test_simd_levels),
        cmocka_unit_test(test_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
