/* test_vet.c - lists, MISP warninglists, the built-in lists, policies and
 * the vetting engine; then the real MISP lists when they are at hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tix/vet.h"

#define BIT(t) TIX_OBS_BIT(TIX_OBS_##t)

/* ---- helpers ---------------------------------------------------------- */

static tix_list *list_of(const char *name, tix_match_type m, const char *const *entries)
{
    tix_list *l;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_list_new(&l, name, m, TIX_LIST_USER, &d), TIX_EOK);
    for (; entries && *entries; entries++)
        if (tix_list_add(l, *entries, NULL, &d) != TIX_EOK)
            fail_msg("%s: %s", *entries, d.msg);
    return l;
}

/* A built vetter over the given lists (taken). */
static tix_vetter *vetter_of(tix_list **lists, size_t n)
{
    tix_vetter *v;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_vetter_new(&v, &d), TIX_EOK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tix_vetter_add(v, lists[i], &d), TIX_EOK);
    if (tix_vetter_build(v, &d) != TIX_EOK)
        fail_msg("build: %s", d.msg);
    return v;
}

static size_t check(tix_vetter *v, tix_obs_type t, const char *value, tix_verdict *out)
{
    return tix_vetter_check(v, t, value, strlen(value), out, 32);
}

/* The verdict of the list called name, or NULL. */
static const tix_verdict *verdict_of(tix_vetter *v, const tix_verdict *vs, size_t n,
                                     const char *name)
{
    for (size_t i = 0; i < n && i < 32; i++)
        if (strcmp(tix_vetter_list(v, vs[i].list)->name, name) == 0)
            return &vs[i];
    return NULL;
}

/* Exactly one verdict, from list, of this match type and entry. */
static void expect_one(tix_vetter *v, tix_obs_type t, const char *value, const char *list,
                       tix_match_type m, const char *entry, int on_host)
{
    tix_verdict vs[32];
    size_t n = check(v, t, value, vs);
    if (n != 1)
        fail_msg("%s: %zu verdicts, want 1 from %s", value, n, list);
    assert_string_equal(tix_vetter_list(v, vs[0].list)->name, list);
    assert_int_equal(vs[0].match, m);
    assert_string_equal(vs[0].entry, entry);
    assert_int_equal(vs[0].on_host, on_host);
}

static void expect_none(tix_vetter *v, tix_obs_type t, const char *value)
{
    tix_verdict vs[32];
    size_t n = check(v, t, value, vs);
    if (n != 0)
        fail_msg("%s: %zu verdicts (first: %s '%s'), want none", value, n,
                 tix_vetter_list(v, vs[0].list)->name, vs[0].entry);
}

/* ---- names and defaults ---------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    for (int m = 0; m < TIX_MATCH_COUNT; m++)
        assert_int_equal(tix_match_from_name(tix_match_name((tix_match_type)m)), m);
    assert_string_equal(tix_match_name(TIX_MATCH_HOSTNAME), "hostname");
    assert_null(tix_match_name(TIX_MATCH_COUNT));
    assert_int_equal(tix_match_from_name("glob"), -1);
    assert_int_equal(tix_match_from_name(NULL), -1);
    assert_string_equal(tix_policy_name(TIX_POLICY_WARN), "warn");
    assert_int_equal(tix_policy_from_name("block"), TIX_POLICY_BLOCK);
    assert_int_equal(tix_policy_from_name("allow"), -1);
    assert_string_equal(tix_list_origin_name(TIX_LIST_MISP), "misp");
    assert_int_equal(tix_list_origin_from_name("builtin"), TIX_LIST_BUILTIN);
    assert_int_equal(tix_list_origin_from_name("x"), -1);
    for (int k = 0; k < TIX_LIST_KIND_COUNT; k++)
        assert_int_equal(tix_list_kind_from_name(tix_list_kind_name((tix_list_kind)k)), k);
    assert_string_equal(tix_list_kind_name(TIX_LIST_KIND_DYNDNS), "dynamic-dns");
    assert_int_equal(tix_list_kind_from_name("special-purpose"), TIX_LIST_KIND_SPECIAL);
}

static void expect_defaults(const char *name, tix_list_kind k, tix_policy p)
{
    tix_list *l = list_of(name, TIX_MATCH_CIDR, NULL);
    tix_list_defaults(l);
    if (l->kind != k || l->policy != p)
        fail_msg("%s: %s/%s, want %s/%s", name, tix_list_kind_name(l->kind),
                 tix_policy_name(l->policy), tix_list_kind_name(k), tix_policy_name(p));
    tix_list_free(l);
}

static void test_defaults(void **state)
{
    (void)state;
    expect_defaults("amazon-aws", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN);
    expect_defaults("microsoft-azure-china", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN);
    expect_defaults("microsoft-azure-appid", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK);
    expect_defaults("tenable-cloud-ipv6", TIX_LIST_KIND_CLOUD, TIX_POLICY_WARN);
    expect_defaults("zscaler", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK);
    expect_defaults("cloudflare", TIX_LIST_KIND_CDN, TIX_POLICY_WARN);
    expect_defaults("cloudflare-top1k", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK);
    expect_defaults("bunny-net", TIX_LIST_KIND_CDN, TIX_POLICY_WARN);
    expect_defaults("dynamic-dns", TIX_LIST_KIND_DYNDNS, TIX_POLICY_WARN);
    expect_defaults("url-shortener", TIX_LIST_KIND_SHORTENER, TIX_POLICY_WARN);
    expect_defaults("link-in-bio", TIX_LIST_KIND_SHORTENER, TIX_POLICY_WARN);
    expect_defaults("sinkholes", TIX_LIST_KIND_SINKHOLE, TIX_POLICY_BLOCK);
    expect_defaults("sinkhole", TIX_LIST_KIND_SINKHOLE, TIX_POLICY_BLOCK);
    expect_defaults("disposable-email", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN);
    expect_defaults("vpn-ipv6", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN);
    expect_defaults("parking-domain-ns", TIX_LIST_KIND_BENIGN, TIX_POLICY_WARN);
    expect_defaults("public-dns-v4", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK);
    expect_defaults("rfc1918", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK);
    expect_defaults("iana-ipv6-special", TIX_LIST_KIND_SPECIAL, TIX_POLICY_BLOCK);
    expect_defaults("something-new", TIX_LIST_KIND_BENIGN, TIX_POLICY_BLOCK);
}

/* ---- lists and their entries ----------------------------------------- */

static void test_list_new(void **state)
{
    (void)state;
    tix_diag d = TIX_DIAG_INIT;
    tix_list *l;
    assert_int_equal(tix_list_new(&l, "x", TIX_MATCH_CIDR, TIX_LIST_USER, &d), TIX_EOK);
    assert_string_equal(l->name, "x");
    assert_int_equal(l->applies, BIT(IPV4) | BIT(IPV6) | BIT(URL));
    assert_int_equal(l->policy, TIX_POLICY_BLOCK);
    assert_int_equal(l->n, 0);
    tix_list_free(l);
    assert_int_equal(tix_list_new(&l, "x", TIX_MATCH_HOSTNAME, TIX_LIST_USER, &d), TIX_EOK);
    assert_int_equal(l->applies, BIT(IPV4) | BIT(IPV6) | BIT(DOMAIN) | BIT(URL));
    tix_list_free(l);
    assert_int_equal(tix_list_new(&l, "x", TIX_MATCH_STRING, TIX_LIST_USER, &d), TIX_EOK);
    assert_int_equal(l->applies, TIX_OBS_ALL);
    tix_list_free(l);
    assert_int_equal(tix_list_new(&l, "", TIX_MATCH_STRING, TIX_LIST_USER, &d), TIX_EINVAL);
    assert_null(l);
    tix_diag_clear(&d);
    assert_int_equal(tix_list_new(&l, "x", TIX_MATCH_COUNT, TIX_LIST_USER, &d), TIX_EINVAL);
    tix_list_free(NULL);
}

static void expect_entry(tix_match_type m, const char *in, const char *want)
{
    tix_list *l = list_of("t", m, NULL);
    tix_diag d = TIX_DIAG_INIT;
    if (tix_list_add(l, in, "a note", &d) != TIX_EOK)
        fail_msg("'%s': %s", in, d.msg);
    assert_int_equal(l->n, 1);
    if (strcmp(l->entries[0], want) != 0)
        fail_msg("'%s' became '%s', want '%s'", in, l->entries[0], want);
    assert_string_equal(l->notes[0], "a note");
    tix_list_free(l);
}

static void expect_refused(tix_match_type m, const char *in, const char *why)
{
    tix_list *l = list_of("t", m, NULL);
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_list_add(l, in, NULL, &d), TIX_EPARSE);
    assert_int_equal(l->n, 0);
    if (!strstr(d.msg, why) || !strstr(d.msg, "list 't'"))
        fail_msg("'%s': message '%s' does not say '%s'", in, d.msg, why);
    tix_list_free(l);
}

static void test_entries(void **state)
{
    (void)state;
    expect_entry(TIX_MATCH_HOSTNAME, " *.Evil.COM. ", "evil.com");
    expect_entry(TIX_MATCH_HOSTNAME, ".evil.com", "evil.com");
    expect_entry(TIX_MATCH_HOSTNAME, "_dmarc.evil.com", "_dmarc.evil.com");
    expect_entry(TIX_MATCH_HOSTNAME, "192.0.2.0/24", "192.0.2.0/24");
    expect_entry(TIX_MATCH_HOSTNAME, "vakıfbank.com", "xn--vakfbank-vkb.com");
    expect_entry(TIX_MATCH_STRING, "WWW.Example.COM.", "www.example.com");
    expect_entry(TIX_MATCH_STRING, "D41D8CD98F00B204E9800998ECF8427E",
                 "d41d8cd98f00b204e9800998ecf8427e");
    expect_entry(TIX_MATCH_STRING, "HTTP://Evil.COM/Gate.PHP", "http://evil.com/Gate.PHP");
    expect_entry(TIX_MATCH_STRING, "Admin@EXAMPLE.com", "Admin@example.com");
    expect_entry(TIX_MATCH_STRING, "CVE-2021-44228", "CVE-2021-44228");
    expect_entry(TIX_MATCH_STRING, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                 "1BoatSLRHtKNngkdXEeobR76b53LETtpyT");
    expect_entry(TIX_MATCH_STRING, ".google.com", ".google.com");
    expect_entry(TIX_MATCH_SUBSTRING, "Mail.RU", "mail.ru");
    expect_entry(TIX_MATCH_CIDR, "2001:DB8::/32", "2001:db8::/32");
    expect_entry(TIX_MATCH_CIDR, "10.1.2.3", "10.1.2.3");
    expect_entry(TIX_MATCH_REGEX, "/^abuse@/i", "/^abuse@/i");
    expect_entry(TIX_MATCH_REGEX, "bare[0-9]+", "bare[0-9]+");

    expect_refused(TIX_MATCH_STRING, "   ", "empty entry");
    expect_refused(TIX_MATCH_HOSTNAME, "corona helden", "not a host name");
    expect_refused(TIX_MATCH_HOSTNAME, "a..b.com", "not a host name");
    expect_refused(TIX_MATCH_HOSTNAME, "*.", "not a host name");
    expect_refused(TIX_MATCH_CIDR, "10.0.0.0/33", "not an IP address or CIDR");
    expect_refused(TIX_MATCH_CIDR, "evil.com", "not an IP address or CIDR");
    expect_refused(TIX_MATCH_REGEX, "/abc/x", "unsupported regex flag");
    expect_refused(TIX_MATCH_REGEX, "/abc", "no closing");
    expect_refused(TIX_MATCH_REGEX, "//i", "empty regex");
    expect_refused(TIX_MATCH_REGEX, "/a(b/", "vectorscan");
    expect_refused(TIX_MATCH_REGEX, "/(a)\\1/", "vectorscan"); /* backreference */
}

/* ---- the engine, one match type at a time ----------------------------- */

static void test_string(void **state)
{
    (void)state;
    tix_list *l = list_of("str", TIX_MATCH_STRING,
                          (const char *[]){"evil.com", "d41d8cd98f00b204e9800998ecf8427e",
                                           ".google.com", NULL});
    tix_vetter *v = vetter_of(&l, 1);
    expect_one(v, TIX_OBS_DOMAIN, "evil.com", "str", TIX_MATCH_STRING, "evil.com", 0);
    expect_none(v, TIX_OBS_DOMAIN, "a.evil.com"); /* exact only */
    expect_none(v, TIX_OBS_DOMAIN, "evil.co");
    expect_one(v, TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e", "str", TIX_MATCH_STRING,
               "d41d8cd98f00b204e9800998ecf8427e", 0);
    /* as in MISP, a string entry ".google.com" is no wildcard */
    expect_none(v, TIX_OBS_DOMAIN, "www.google.com");
    expect_none(v, TIX_OBS_DOMAIN, "google.com");
    tix_vetter_free(v);
}

static void test_hostname(void **state)
{
    (void)state;
    tix_list *l = list_of("hosts", TIX_MATCH_HOSTNAME,
                          (const char *[]){"evil.com", "*.b.evil.com", "onion", NULL});
    tix_vetter *v = vetter_of(&l, 1);
    expect_one(v, TIX_OBS_DOMAIN, "evil.com", "hosts", TIX_MATCH_HOSTNAME, "evil.com", 0);
    expect_one(v, TIX_OBS_DOMAIN, "www.evil.com", "hosts", TIX_MATCH_HOSTNAME, "evil.com",
               0);
    /* the longest listed parent answers */
    expect_one(v, TIX_OBS_DOMAIN, "a.b.evil.com", "hosts", TIX_MATCH_HOSTNAME, "b.evil.com",
               0);
    expect_one(v, TIX_OBS_DOMAIN, "b.evil.com", "hosts", TIX_MATCH_HOSTNAME, "b.evil.com", 0);
    expect_one(v, TIX_OBS_DOMAIN, "x.onion", "hosts", TIX_MATCH_HOSTNAME, "onion", 0);
    /* lookalikes are not subdomains */
    expect_none(v, TIX_OBS_DOMAIN, "notevil.com");
    expect_none(v, TIX_OBS_DOMAIN, "evil.com.au");
    expect_none(v, TIX_OBS_DOMAIN, "evil.co");
    expect_none(v, TIX_OBS_DOMAIN, "com");
    expect_none(v, TIX_OBS_DOMAIN, "xonion");
    expect_none(v, TIX_OBS_DOMAIN, "");
    /* not names, but no value may break the walk over the labels */
    char dots[301];
    memset(dots, '.', 300);
    dots[300] = '\0';
    expect_none(v, TIX_OBS_DOMAIN, dots);
    dots[255] = '\0';
    expect_none(v, TIX_OBS_DOMAIN, dots);
    memcpy(dots + 247, "evil.com", 8);
    expect_one(v, TIX_OBS_DOMAIN, dots, "hosts", TIX_MATCH_HOSTNAME, "evil.com", 0);
    tix_vetter_free(v);
}

static void test_cidr(void **state)
{
    (void)state;
    tix_list *l = list_of("nets", TIX_MATCH_CIDR,
                          (const char *[]){"10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16",
                                           "2001:db8::/32", "0.0.0.0/0", NULL});
    tix_list *m = list_of("other", TIX_MATCH_CIDR, (const char *[]){"10.1.2.0/24", NULL});
    tix_vetter *v = vetter_of((tix_list *[]){l, m}, 2);
    tix_verdict vs[32];
    assert_int_equal(check(v, TIX_OBS_IPV4, "10.1.2.3", vs), 2);
    const tix_verdict *a = verdict_of(v, vs, 2, "nets"), *b = verdict_of(v, vs, 2, "other");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a->entry, "10.1.0.0/16");
    assert_int_equal(a->match, TIX_MATCH_CIDR);
    assert_string_equal(b->entry, "10.1.2.0/24");
    expect_one(v, TIX_OBS_IPV4, "10.2.0.1", "nets", TIX_MATCH_CIDR, "10.0.0.0/8", 0);
    expect_one(v, TIX_OBS_IPV4, "8.8.8.8", "nets", TIX_MATCH_CIDR, "0.0.0.0/0", 0);
    expect_one(v, TIX_OBS_IPV6, "2001:db8::1", "nets", TIX_MATCH_CIDR, "2001:db8::/32", 0);
    expect_none(v, TIX_OBS_IPV6, "2001:db9::1");
    /* a network value is on a list when a listed prefix holds all of it */
    expect_one(v, TIX_OBS_IPV4, "10.1.2.0/23", "nets", TIX_MATCH_CIDR, "10.1.0.0/16", 0);
    /* max bounds what is written, the count is every list */
    assert_int_equal(tix_vetter_check(v, TIX_OBS_IPV4, "10.1.2.3", 8, vs, 1), 2);
    assert_int_equal(tix_vetter_check(v, TIX_OBS_IPV4, "10.1.2.3", 8, NULL, 0), 2);
    /* not an address: nothing, no crash */
    expect_none(v, TIX_OBS_IPV4, "10.1.2");
    expect_none(v, TIX_OBS_IPV6, "zz::1");
    tix_vetter_free(v);
}

static void test_substring(void **state)
{
    (void)state;
    tix_list *l = list_of("subs", TIX_MATCH_SUBSTRING,
                          (const char *[]){"mail.ru", "gate.php", "c++", NULL});
    tix_vetter *v = vetter_of(&l, 1);
    expect_one(v, TIX_OBS_EMAIL, "someone@mail.ru", "subs", TIX_MATCH_SUBSTRING, "mail.ru", 0);
    expect_one(v, TIX_OBS_EMAIL, "Someone@MAIL.RU", "subs", TIX_MATCH_SUBSTRING, "mail.ru", 0);
    expect_one(v, TIX_OBS_DOMAIN, "xmail.ru.evil.com", "subs", TIX_MATCH_SUBSTRING, "mail.ru",
               0);
    expect_one(v, TIX_OBS_URL, "http://evil.com/gate.php?id=1", "subs", TIX_MATCH_SUBSTRING,
               "gate.php", 0);
    expect_one(v, TIX_OBS_URL, "http://evil.com/c++/", "subs", TIX_MATCH_SUBSTRING, "c++", 0);
    expect_none(v, TIX_OBS_DOMAIN, "mail.rx");
    expect_none(v, TIX_OBS_URL, "http://evil.com/gatexphp");
    tix_vetter_free(v);
}

static void test_regex(void **state)
{
    (void)state;
    tix_list *ci = list_of("ci", TIX_MATCH_REGEX, (const char *[]){"/^abuse@/i", NULL});
    tix_list *cs = list_of("cs", TIX_MATCH_REGEX, (const char *[]){"/^abuse@/g", NULL});
    tix_list *ml = list_of("ml", TIX_MATCH_REGEX, (const char *[]){"/^bar$/m", NULL});
    tix_list *dot = list_of("dot", TIX_MATCH_REGEX, (const char *[]){"/foo.bar/s", NULL});
    tix_list *nodot = list_of("nodot", TIX_MATCH_REGEX, (const char *[]){"/foo.bar/", NULL});
    tix_list *bare = list_of("bare", TIX_MATCH_REGEX, (const char *[]){"[0-9]{6}$", NULL});
    tix_vetter *v = vetter_of((tix_list *[]){ci, cs, ml, dot, nodot, bare}, 6);
    tix_verdict vs[32];
    assert_int_equal(check(v, TIX_OBS_EMAIL, "abuse@evil.com", vs), 2);
    assert_non_null(verdict_of(v, vs, 2, "ci"));
    assert_non_null(verdict_of(v, vs, 2, "cs"));
    assert_int_equal(verdict_of(v, vs, 2, "ci")->match, TIX_MATCH_REGEX);
    assert_string_equal(verdict_of(v, vs, 2, "ci")->entry, "/^abuse@/i");
    /* i: case; without it, none */
    expect_one(v, TIX_OBS_EMAIL, "ABUSE@evil.com", "ci", TIX_MATCH_REGEX, "/^abuse@/i", 0);
    expect_none(v, TIX_OBS_EMAIL, "noabuse@evil.com");
    /* m: ^ and $ at lines; s: . takes a newline */
    expect_one(v, TIX_OBS_CVE, "x\nbar", "ml", TIX_MATCH_REGEX, "/^bar$/m", 0);
    expect_none(v, TIX_OBS_CVE, "x\nbarx");
    size_t n = check(v, TIX_OBS_CVE, "foo\nbar", vs);
    assert_int_equal(n, 2);
    assert_non_null(verdict_of(v, vs, n, "dot"));
    assert_non_null(verdict_of(v, vs, n, "ml"));
    n = check(v, TIX_OBS_CVE, "fooxbarx", vs);
    assert_int_equal(n, 2);
    assert_non_null(verdict_of(v, vs, n, "dot"));
    assert_non_null(verdict_of(v, vs, n, "nodot"));
    expect_one(v, TIX_OBS_BTC, "abc123456", "bare", TIX_MATCH_REGEX, "[0-9]{6}$", 0);
    expect_none(v, TIX_OBS_BTC, "abc12345");
    tix_vetter_free(v);
}

static void test_applies(void **state)
{
    (void)state;
    tix_list *md5 = list_of("md5s", TIX_MATCH_STRING,
                            (const char *[]){"d41d8cd98f00b204e9800998ecf8427e", NULL});
    md5->applies = BIT(MD5);
    tix_list *none = list_of("none", TIX_MATCH_STRING,
                             (const char *[]){"d41d8cd98f00b204e9800998ecf8427e", NULL});
    none->applies = 0;
    tix_list *dom = list_of("dom", TIX_MATCH_SUBSTRING, (const char *[]){"evil", NULL});
    dom->applies = BIT(DOMAIN);
    tix_vetter *v = vetter_of((tix_list *[]){md5, none, dom}, 3);
    expect_one(v, TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e", "md5s", TIX_MATCH_STRING,
               "d41d8cd98f00b204e9800998ecf8427e", 0);
    expect_none(v, TIX_OBS_SHA1, "d41d8cd98f00b204e9800998ecf8427e");
    expect_one(v, TIX_OBS_DOMAIN, "evil.com", "dom", TIX_MATCH_SUBSTRING, "evil", 0);
    expect_none(v, TIX_OBS_EMAIL, "x@evil.com");
    /* a substring list is matched against the whole URL, and only when it
     * applies to URLs */
    expect_none(v, TIX_OBS_URL, "http://evil.com/");
    tix_vetter_free(v);
}

static void test_url_through_host(void **state)
{
    (void)state;
    tix_list *h = list_of("hosts", TIX_MATCH_HOSTNAME, (const char *[]){"evil.com", NULL});
    h->applies = BIT(DOMAIN);
    tix_list *c = list_of("nets", TIX_MATCH_CIDR,
                          (const char *[]){"10.0.0.0/8", "2001:db8::/32", NULL});
    c->applies = BIT(IPV4) | BIT(IPV6);
    tix_list *s = list_of("urls", TIX_MATCH_STRING,
                          (const char *[]){"http://bad.com/gate.php", "bad.com", NULL});
    s->applies = BIT(URL);
    tix_list *ip = list_of("ips", TIX_MATCH_STRING, (const char *[]){"192.0.2.7", NULL});
    ip->applies = BIT(IPV4);
    tix_list *onlyv4 = list_of("v4only", TIX_MATCH_CIDR, (const char *[]){"10.0.0.0/8", NULL});
    onlyv4->applies = BIT(IPV4);
    tix_vetter *v = vetter_of((tix_list *[]){h, c, s, ip, onlyv4}, 5);

    expect_one(v, TIX_OBS_URL, "http://a.evil.com:8080/x", "hosts", TIX_MATCH_HOSTNAME,
               "evil.com", 1);
    expect_one(v, TIX_OBS_URL, "https://user:pw@evil.com/", "hosts", TIX_MATCH_HOSTNAME,
               "evil.com", 1);
    expect_one(v, TIX_OBS_URL, "http://evil.com?q=1", "hosts", TIX_MATCH_HOSTNAME, "evil.com",
               1);
    expect_none(v, TIX_OBS_URL, "http://notevil.com/evil.com");
    tix_verdict vs[32];
    assert_int_equal(check(v, TIX_OBS_URL, "http://10.1.2.3/x", vs), 2);
    assert_int_equal(verdict_of(v, vs, 2, "nets")->on_host, 1);
    assert_int_equal(verdict_of(v, vs, 2, "nets")->match, TIX_MATCH_CIDR);
    assert_non_null(verdict_of(v, vs, 2, "v4only"));
    expect_one(v, TIX_OBS_URL, "http://[2001:db8::1]:8443/", "nets", TIX_MATCH_CIDR,
               "2001:db8::/32", 1);
    expect_one(v, TIX_OBS_URL, "ftp://192.0.2.7/f", "ips", TIX_MATCH_STRING, "192.0.2.7", 1);
    /* the whole URL answers before its host, once per list */
    expect_one(v, TIX_OBS_URL, "http://bad.com/gate.php", "urls", TIX_MATCH_STRING,
               "http://bad.com/gate.php", 0);
    expect_one(v, TIX_OBS_URL, "http://bad.com/other", "urls", TIX_MATCH_STRING, "bad.com", 1);
    /* a domain value is not a URL */
    expect_none(v, TIX_OBS_DOMAIN, "bad.com");
    expect_none(v, TIX_OBS_URL, "no scheme here");
    expect_none(v, TIX_OBS_URL, "http://[2001:db8::1/");
    tix_vetter_free(v);
}

static void test_sinkhole_addresses(void **state)
{
    (void)state;
    tix_list **bl;
    size_t nb;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_lists_builtin(&bl, &nb, &d), TIX_EOK);
    tix_list *sink = NULL;
    for (size_t i = 0; i < nb; i++)
        if (strcmp(bl[i]->name, "sinkhole") == 0)
            sink = bl[i];
    assert_non_null(sink);
    assert_int_equal(sink->n, 0);
    assert_int_equal(tix_list_add(sink, "203.0.113.53", "CERT-X sinkhole", &d), TIX_EOK);
    assert_int_equal(tix_list_add(sink, "198.18.0.0/24", NULL, &d), TIX_EOK);
    assert_int_equal(tix_list_add(sink, "sinkhole.example.net", NULL, &d), TIX_EOK);
    assert_int_equal(tix_list_add(sink, "2001:db8:53::/48", NULL, &d), TIX_EOK);
    tix_vetter *v = vetter_of(bl, nb);
    free(bl);
    tix_verdict vs[32];
    size_t n = check(v, TIX_OBS_IPV4, "203.0.113.53", vs);
    assert_int_equal(n, 2); /* the sinkhole and TEST-NET-3 */
    const tix_verdict *s = verdict_of(v, vs, n, "sinkhole");
    assert_non_null(s);
    assert_int_equal(s->match, TIX_MATCH_CIDR);
    assert_string_equal(s->entry, "203.0.113.53");
    assert_string_equal(s->note, "CERT-X sinkhole");
    n = check(v, TIX_OBS_IPV4, "198.18.0.9", vs);
    assert_string_equal(verdict_of(v, vs, n, "sinkhole")->entry, "198.18.0.0/24");
    n = check(v, TIX_OBS_IPV6, "2001:db8:53::1", vs);
    assert_string_equal(verdict_of(v, vs, n, "sinkhole")->entry, "2001:db8:53::/48");
    n = check(v, TIX_OBS_DOMAIN, "ns1.sinkhole.example.net", vs);
    assert_int_equal(n, 2); /* and example.net, a reserved name */
    s = verdict_of(v, vs, n, "sinkhole");
    assert_int_equal(s->match, TIX_MATCH_HOSTNAME);
    assert_string_equal(s->entry, "sinkhole.example.net");
    assert_string_equal(verdict_of(v, vs, n, "reserved-names")->entry, "example.net");
    tix_vetter_free(v);
}

static void test_builtin(void **state)
{
    (void)state;
    tix_list **bl;
    size_t nb;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_lists_builtin(&bl, &nb, &d), TIX_EOK);
    assert_int_equal(nb, 4);
    static const char *const names[] = {"iana-ipv4-special", "iana-ipv6-special",
                                        "reserved-names", "sinkhole"};
    static const tix_list_kind kinds[] = {TIX_LIST_KIND_SPECIAL, TIX_LIST_KIND_SPECIAL,
                                          TIX_LIST_KIND_RESERVED, TIX_LIST_KIND_SINKHOLE};
    for (size_t i = 0; i < nb; i++) {
        assert_string_equal(bl[i]->name, names[i]);
        assert_int_equal(bl[i]->origin, TIX_LIST_BUILTIN);
        assert_int_equal(bl[i]->policy, TIX_POLICY_BLOCK);
        assert_int_equal(bl[i]->kind, kinds[i]);
        assert_non_null(bl[i]->title);
        for (size_t e = 0; e < bl[i]->n; e++)
            assert_non_null(bl[i]->notes[e]); /* every fact says where it is from */
    }
    assert_int_equal(bl[0]->n, 26);
    assert_int_equal(bl[1]->n, 23);
    assert_int_equal(bl[2]->n, 29); /* no "onion": see builtin.c */
    tix_vetter *v = vetter_of(bl, nb);
    free(bl);
    tix_verdict vs[32];
    size_t n = check(v, TIX_OBS_IPV4, "192.0.2.1", vs);
    assert_int_equal(check(v, TIX_OBS_DOMAIN, "expyuzz4wqqyqhjn.onion", vs), 0);
    assert_int_equal(n, 1);
    assert_string_equal(vs[0].entry, "192.0.2.0/24");
    assert_string_equal(vs[0].note, "Documentation (TEST-NET-1), RFC 5737");
    /* the longest of the list's prefixes */
    n = check(v, TIX_OBS_IPV4, "192.0.0.9", vs);
    assert_string_equal(vs[0].entry, "192.0.0.9/32");
    assert_string_equal(vs[0].note, "Port Control Protocol Anycast, RFC 7723");
    n = check(v, TIX_OBS_IPV4, "192.0.0.5", vs);
    assert_string_equal(vs[0].entry, "192.0.0.0/29");
    expect_one(v, TIX_OBS_IPV4, "224.0.0.251", "iana-ipv4-special", TIX_MATCH_CIDR,
               "224.0.0.0/4", 0);
    expect_one(v, TIX_OBS_IPV4, "255.255.255.255", "iana-ipv4-special", TIX_MATCH_CIDR,
               "255.255.255.255/32", 0);
    expect_one(v, TIX_OBS_IPV4, "100.100.1.1", "iana-ipv4-special", TIX_MATCH_CIDR,
               "100.64.0.0/10", 0);
    expect_none(v, TIX_OBS_IPV4, "8.8.8.8");
    expect_none(v, TIX_OBS_IPV4, "100.128.0.0");
    expect_one(v, TIX_OBS_IPV6, "::1", "iana-ipv6-special", TIX_MATCH_CIDR, "::1/128", 0);
    expect_one(v, TIX_OBS_IPV6, "fe80::1", "iana-ipv6-special", TIX_MATCH_CIDR, "fe80::/10",
               0);
    expect_one(v, TIX_OBS_IPV6, "2001:1::1", "iana-ipv6-special", TIX_MATCH_CIDR,
               "2001:1::1/128", 0);
    expect_one(v, TIX_OBS_IPV6, "3fff:1::1", "iana-ipv6-special", TIX_MATCH_CIDR, "3fff::/20",
               0);
    expect_none(v, TIX_OBS_IPV6, "2a00:1450::1");
    expect_one(v, TIX_OBS_DOMAIN, "foo.example", "reserved-names", TIX_MATCH_HOSTNAME,
               "example", 0);
    expect_one(v, TIX_OBS_DOMAIN, "www.example.com", "reserved-names", TIX_MATCH_HOSTNAME,
               "example.com", 0);
    expect_one(v, TIX_OBS_DOMAIN, "printer.home.arpa", "reserved-names", TIX_MATCH_HOSTNAME,
               "home.arpa", 0);
    expect_one(v, TIX_OBS_DOMAIN, "1.0.20.172.in-addr.arpa", "reserved-names",
               TIX_MATCH_HOSTNAME, "20.172.in-addr.arpa", 0);
    expect_none(v, TIX_OBS_DOMAIN, "1.0.32.172.in-addr.arpa");
    expect_none(v, TIX_OBS_DOMAIN, "example.co");
    expect_one(v, TIX_OBS_URL, "http://192.168.1.1/admin", "iana-ipv4-special",
               TIX_MATCH_CIDR, "192.168.0.0/16", 1);
    tix_vetter_free(v);
}

static void test_vetter_misuse(void **state)
{
    (void)state;
    tix_diag d = TIX_DIAG_INIT;
    tix_vetter *v;
    assert_int_equal(tix_vetter_new(&v, &d), TIX_EOK);
    tix_verdict vs[4];
    /* not built: no verdicts */
    assert_int_equal(tix_vetter_check(v, TIX_OBS_IPV4, "10.0.0.1", 8, vs, 4), 0);
    assert_int_equal(tix_vetter_add(v, list_of("a", TIX_MATCH_CIDR,
                                               (const char *[]){"10.0.0.0/8", NULL}),
                                    &d),
                     TIX_EOK);
    assert_int_equal(tix_vetter_build(v, &d), TIX_EOK);
    assert_int_equal(tix_vetter_count(v), 1);
    assert_string_equal(tix_vetter_list(v, 0)->name, "a");
    assert_null(tix_vetter_list(v, 1));
    const char *why = NULL;
    assert_int_equal(tix_vetter_skipped(v, &why), 0);
    assert_string_equal(why, "");
    /* built: nothing more */
    assert_int_equal(tix_vetter_add(v, list_of("b", TIX_MATCH_CIDR, NULL), &d), TIX_EINVAL);
    tix_diag_clear(&d);
    assert_int_equal(tix_vetter_build(v, &d), TIX_EINVAL);
    assert_int_equal(tix_vetter_check(v, TIX_OBS_COUNT, "10.0.0.1", 8, vs, 4), 0);
    assert_int_equal(tix_vetter_check(v, TIX_OBS_IPV4, NULL, 0, vs, 4), 0);
    assert_int_equal(tix_vetter_check(v, TIX_OBS_IPV4, "10.0.0.1", 8, vs, 4), 1);
    tix_vetter_free(v);
    tix_vetter_free(NULL);
    /* an empty vetter vets */
    assert_int_equal(tix_vetter_new(&v, &d), TIX_EOK);
    assert_int_equal(tix_vetter_build(v, &d), TIX_EOK);
    assert_int_equal(tix_vetter_check(v, TIX_OBS_URL, "http://a.com/", 13, vs, 4), 0);
    tix_vetter_free(v);
}

/* ---- MISP warninglists ------------------------------------------------ */

static const char good_json[] =
    "{\"name\": \"Test list\", \"version\": 7, \"description\": \"about\",\n"
    " \"type\": \"hostname\", \"matching_attributes\": [\"hostname\", \"url\",\n"
    " \"phone-number\"], \"list\": [\"Evil.COM\", \"*.bad.org.\", \"bad entry\",\n"
    " {\"value\": \"noted.net\", \"comment\": \"with a note\"}]}";

static void test_misp_parse(void **state)
{
    (void)state;
    tix_list *l;
    size_t skipped;
    char why[256];
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_list_parse_misp(good_json, strlen(good_json), "test", "mem.json", &l,
                                         &skipped, why, &d),
                     TIX_EOK);
    assert_string_equal(l->name, "test");
    assert_string_equal(l->title, "Test list");
    assert_string_equal(l->description, "about");
    assert_int_equal(l->version, 7);
    assert_int_equal(l->match, TIX_MATCH_HOSTNAME);
    assert_int_equal(l->origin, TIX_LIST_MISP);
    assert_int_equal(l->applies, BIT(DOMAIN) | BIT(URL));
    assert_int_equal(l->n, 3);
    assert_string_equal(l->entries[0], "evil.com");
    assert_string_equal(l->entries[1], "bad.org");
    assert_string_equal(l->entries[2], "noted.net");
    assert_null(l->notes[0]);
    assert_string_equal(l->notes[2], "with a note");
    assert_int_equal(skipped, 1);
    assert_non_null(strstr(why, "mem.json"));
    assert_non_null(strstr(why, "entry 2"));
    assert_non_null(strstr(why, "not a host name"));
    tix_list_free(l);
}

static tix_list *parse(const char *json)
{
    tix_list *l = NULL;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_list_parse_misp(json, strlen(json), "p", "p.json", &l, NULL, NULL, &d))
        fail_msg("%s: %s", json, d.msg);
    return l;
}

static void test_misp_attributes(void **state)
{
    (void)state;
    tix_list *l = parse("{\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\"],"
                        "\"matching_attributes\":[\"ip-src\",\"domain|ip\"]}");
    assert_int_equal(l->applies, BIT(IPV4) | BIT(IPV6) | BIT(DOMAIN));
    tix_list_free(l);
    l = parse("{\"type\":\"string\",\"list\":[\"x\"],\"matching_attributes\":"
              "[\"email-src\",\"whois-registrant-email\",\"filename|sha256\",\"md5\","
              "\"link\",\"hostname|port\"]}");
    assert_int_equal(l->applies,
                     BIT(EMAIL) | BIT(SHA256) | BIT(MD5) | BIT(URL) | BIT(DOMAIN));
    tix_list_free(l);
    l = parse("{\"type\":\"regex\",\"list\":[\"/x/\"],\"matching_attributes\":"
              "[\"phone-number\",\"whois-registrant-phone\"]}");
    assert_int_equal(l->applies, 0); /* phone numbers: nothing tix vets */
    tix_list_free(l);
    l = parse("{\"type\":\"substring\",\"list\":[]}");
    assert_int_equal(l->applies, TIX_OBS_ALL);
    assert_int_equal(l->n, 0);
    tix_list_free(l);
    l = parse("{\"type\":\"cidr\",\"list\":[\"1.2.3.4\"],\"matching_attributes\":[]}");
    assert_int_equal(l->applies, BIT(IPV4) | BIT(IPV6) | BIT(URL));
    tix_list_free(l);
}

static void expect_broken(const char *json, const char *want)
{
    tix_list *l = (tix_list *)1;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_list_parse_misp(json, strlen(json), "b", "lists/b/list.json", &l,
                                         NULL, NULL, &d),
                     TIX_EPARSE);
    assert_null(l);
    if (strncmp(d.msg, "lists/b/list.json: ", 19) != 0 || !strstr(d.msg, want))
        fail_msg("'%s': message '%s', want the file and '%s'", json, d.msg, want);
}

static void test_misp_broken(void **state)
{
    (void)state;
    expect_broken("{\"type\": \"cidr\", \"list\": [\"1.2.3.4\",, ]}", "byte 37 (line 1, column 37)");
    expect_broken("{\"type\": \"cidr\",\n \"list\": [\"1.2.3.4\"", "line 2");
    expect_broken("", "byte 0");
    expect_broken("[1, 2]", "not a JSON object");
    expect_broken("{\"type\": \"cidr\"}", "\"list\" is missing");
    expect_broken("{\"type\": \"cidr\", \"list\": {}}", "\"list\" is missing or not an array");
    expect_broken("{\"list\": []}", "\"type\" is missing");
    expect_broken("{\"type\": \"glob\", \"list\": []}", "unknown \"type\" 'glob'");
    expect_broken("{\"type\": \"cidr\", \"list\": [\"1.2.3.4\", 5]}",
                  "\"list\" entry 1 is not a string");
    expect_broken("{\"type\": \"cidr\", \"list\": [], \"version\": \"1\"}",
                  "\"version\" is not an integer");
    expect_broken("{\"type\": \"cidr\", \"list\": [], \"name\": 3}", "\"name\" is not a string");
    expect_broken("{\"type\": \"cidr\", \"list\": [], \"matching_attributes\": \"ip-src\"}",
                  "\"matching_attributes\" is not an array");
    expect_broken("{\"type\": \"cidr\", \"list\": [], \"matching_attributes\": [1]}",
                  "\"matching_attributes\" entry 0 is not a string");
}

/* ---- files and folders ------------------------------------------------ */

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    /* make the parent folders */
    for (char *p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tix-test-vet.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_read_files(void **state)
{
    (void)state;
    write_file("a/lists/zeta/list.json",
               "{\"type\":\"string\",\"version\":2,\"list\":[\"x.com\"]}");
    write_file("a/lists/alpha/list.json",
               "{\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\",\"not an ip\"]}");
    write_file("a/lists/empty-folder/README", "no list here");
    write_file("a/mid/list.json", "{\"type\":\"hostname\",\"list\":[\"m.org\"]}");

    char path[256];
    tix_list *l;
    size_t skipped;
    char why[256];
    tix_diag d = TIX_DIAG_INIT;
    snprintf(path, sizeof path, "%s/a/lists/alpha/list.json", tmpdir);
    assert_int_equal(tix_list_read_misp(path, &l, &skipped, why, &d), TIX_EOK);
    assert_string_equal(l->name, "alpha"); /* named after its folder */
    assert_int_equal(l->n, 1);
    assert_int_equal(skipped, 1);
    assert_non_null(strstr(why, path));
    tix_list_free(l);

    snprintf(path, sizeof path, "%s/a/nope/list.json", tmpdir);
    assert_int_equal(tix_list_read_misp(path, &l, NULL, NULL, &d), TIX_ENOTFOUND);
    assert_non_null(strstr(d.msg, path));
    tix_diag_clear(&d);

    tix_list **ls;
    size_t n;
    snprintf(path, sizeof path, "%s/a", tmpdir);
    assert_int_equal(tix_lists_read_dir(path, &ls, &n, &d), TIX_EOK);
    assert_int_equal(n, 3);
    assert_string_equal(ls[0]->name, "alpha");
    assert_string_equal(ls[1]->name, "mid");
    assert_string_equal(ls[2]->name, "zeta");
    assert_int_equal(ls[2]->version, 2);
    tix_lists_free(ls, n);

    /* one broken file fails the whole read, naming it */
    write_file("a/lists/broken/list.json", "{\"type\":\"cidr\",\"list\":[\"1.2.3.4\"");
    ls = (tix_list **)1;
    assert_int_equal(tix_lists_read_dir(path, &ls, &n, &d), TIX_EPARSE);
    assert_null(ls);
    assert_int_equal(n, 0);
    assert_non_null(strstr(d.msg, "lists/broken/list.json: byte"));
    tix_diag_clear(&d);

    snprintf(path, sizeof path, "%s/a/lists/empty-folder", tmpdir);
    assert_int_equal(tix_lists_read_dir(path, &ls, &n, &d), TIX_ENOTFOUND);
    tix_diag_clear(&d);
    snprintf(path, sizeof path, "%s/none", tmpdir);
    assert_int_equal(tix_lists_read_dir(path, &ls, &n, &d), TIX_ENOTFOUND);
}

/* ---- the real MISP warninglists --------------------------------------- */

static tix_list **real;
static size_t nreal;

static const tix_list *real_list(const char *name)
{
    for (size_t i = 0; i < nreal; i++)
        if (strcmp(real[i]->name, name) == 0)
            return real[i];
    fail_msg("no list %s", name);
    return NULL;
}

static void test_real_lists(void **state)
{
    (void)state;
    const char *dir = TIX_SHARED_DATA "/misp-warninglists";
    struct stat st;
    if (stat(dir, &st) != 0) {
        print_message("skipped: no MISP warninglists in %s\n", dir);
        skip();
    }
    tix_diag d = TIX_DIAG_INIT;
    if (tix_lists_read_dir(dir, &real, &nreal, &d) != TIX_EOK)
        fail_msg("%s", d.msg);
    assert_int_equal(nreal, 136);
    size_t total = 0;
    for (size_t i = 0; i < nreal; i++)
        total += real[i]->n;
    /* 528,972 lines in the files; 5 are not host names ("corona helden",
     * RFC 2317 names with a '/') */
    assert_int_equal(total, 528967);
    assert_int_equal(real_list("akamai")->n, 268);
    assert_int_equal(real_list("public-dns-v4")->n, 62745);
    assert_int_equal(real_list("dynamic-dns")->n, 35467);
    assert_int_equal(real_list("covid")->n, 318);
    assert_int_equal(real_list("public-dns-hostname")->n, 34779);
    assert_int_equal(real_list("phone_numbers")->n, 33);
    assert_int_equal(real_list("phone_numbers")->applies, 0);
    assert_int_equal(real_list("tlds")->match, TIX_MATCH_STRING);
    assert_string_equal(real_list("tlds")->entries[0], "aaa"); /* "AAA" */
    assert_int_equal(real_list("sinkholes")->kind, TIX_LIST_KIND_SINKHOLE);
    assert_int_equal(real_list("amazon-aws")->policy, TIX_POLICY_WARN);
    assert_int_equal(real_list("disposable-email")->applies,
                     BIT(EMAIL) | BIT(DOMAIN) | BIT(IPV4) | BIT(IPV6));

    tix_vetter *v;
    assert_int_equal(tix_vetter_new(&v, &d), TIX_EOK);
    for (size_t i = 0; i < nreal; i++)
        assert_int_equal(tix_vetter_add(v, real[i], &d), TIX_EOK);
    free(real);
    real = NULL;
    tix_list **bl;
    size_t nb;
    assert_int_equal(tix_lists_builtin(&bl, &nb, &d), TIX_EOK);
    for (size_t i = 0; i < nb; i++)
        assert_int_equal(tix_vetter_add(v, bl[i], &d), TIX_EOK);
    free(bl);
    if (tix_vetter_build(v, &d) != TIX_EOK)
        fail_msg("build: %s", d.msg);
    assert_int_equal(tix_vetter_skipped(v, NULL), 0);

    tix_verdict vs[64];
    const tix_verdict *x;
    size_t n = check(v, TIX_OBS_IPV4, "8.8.8.8", vs);
    assert_non_null(x = verdict_of(v, vs, n, "public-dns-v4"));
    assert_string_equal(x->entry, "8.8.8.8");
    assert_int_equal(x->match, TIX_MATCH_CIDR);
    /* 143.215.130.0/24, the Georgia Tech sinkhole */
    n = check(v, TIX_OBS_IPV4, "143.215.130.61", vs);
    assert_non_null(x = verdict_of(v, vs, n, "sinkholes"));
    assert_string_equal(x->entry, "143.215.130.0/24");
    n = check(v, TIX_OBS_DOMAIN, "www.google.com", vs);
    assert_non_null(x = verdict_of(v, vs, n, "tranco10k"));
    assert_int_equal(x->match, TIX_MATCH_HOSTNAME);
    assert_string_equal(x->entry, "google.com");
    assert_non_null(x = verdict_of(v, vs, n, "google"));
    assert_int_equal(x->match, TIX_MATCH_STRING);
    assert_null(verdict_of(v, vs, n, "iana-ipv4-special"));
    n = check(v, TIX_OBS_IPV4, "192.0.2.1", vs);
    assert_non_null(x = verdict_of(v, vs, n, "iana-ipv4-special"));
    assert_string_equal(x->note, "Documentation (TEST-NET-1), RFC 5737");
    assert_non_null(verdict_of(v, vs, n, "rfc5735"));
    n = check(v, TIX_OBS_DOMAIN, "foo.example", vs);
    assert_non_null(x = verdict_of(v, vs, n, "reserved-names"));
    assert_string_equal(x->entry, "example");
    n = check(v, TIX_OBS_EMAIL, "someone@0-mail.com", vs);
    assert_non_null(x = verdict_of(v, vs, n, "disposable-email"));
    assert_int_equal(x->match, TIX_MATCH_SUBSTRING);
    assert_string_equal(x->entry, "0-mail.com");
    n = check(v, TIX_OBS_EMAIL, "abuse@somewhere.org", vs);
    assert_non_null(x = verdict_of(v, vs, n, "common-contact-emails"));
    assert_int_equal(x->match, TIX_MATCH_REGEX);
    n = check(v, TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e", vs);
    assert_non_null(verdict_of(v, vs, n, "empty-hashes"));
    n = check(v, TIX_OBS_URL, "https://bit.ly/3abcDEF", vs);
    assert_non_null(x = verdict_of(v, vs, n, "url-shortener"));
    assert_int_equal(x->on_host, 1);
    n = check(v, TIX_OBS_DOMAIN, "evil-c2-3c1a9f.example-bad-tld.xyz", vs);
    assert_int_equal(n, 0);
    n = check(v, TIX_OBS_DOMAIN, "myhost.duckdns.org", vs);
    assert_non_null(x = verdict_of(v, vs, n, "dynamic-dns"));
    assert_string_equal(x->entry, "duckdns.org");
    tix_vetter_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_list_new),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_hostname),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_substring),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_applies),
        cmocka_unit_test(test_url_through_host),
        cmocka_unit_test(test_sinkhole_addresses),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_vetter_misuse),
        cmocka_unit_test(test_misp_parse),
        cmocka_unit_test(test_misp_attributes),
        cmocka_unit_test(test_misp_broken),
        cmocka_unit_test_setup_teardown(test_read_files, make_tmpdir, remove_tmpdir),
        cmocka_unit_test(test_real_lists),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tix_lists_free(real, nreal);
    return rc;
}
