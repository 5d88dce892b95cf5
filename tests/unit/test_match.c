/* test_match.c - the log matcher: indicator sets (names with their
 * subdomains, addresses and prefixes, URLs), and every log format: what is
 * a candidate, line numbers, hit tokens, payloads, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tix/match.h"

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
    tix_obs_type t;
    const char *v;
    uint32_t payload;
} ind;

/* The indicators every test starts from. */
static const ind base[] = {
    {TIX_OBS_DOMAIN, "evil.com", 1},
    {TIX_OBS_DOMAIN, "c2.bad.org", 2},
    {TIX_OBS_DOMAIN, "deep.x.evil.com", 3},
    {TIX_OBS_IPV4, "203.0.113.7", 4},
    {TIX_OBS_IPV4, "198.51.100.0/24", 5},
    {TIX_OBS_IPV6, "2001:db8::1", 6},
    {TIX_OBS_IPV6, "2001:db8:bad::/48", 7},
    {TIX_OBS_URL, "http://phish.example.net/login.php", 8},
    {TIX_OBS_URL, "https://evil.com/gate", 9},
    {TIX_OBS_DOMAIN, "k.j.i.h.g.f.e.d.c.b.a.example", 10},
};

static tix_matcher *make(const ind *v, size_t n)
{
    tix_matcher *m;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_matcher_new(&m, &d), TIX_EOK);
    for (size_t i = 0; i < n; i++) {
        tix_err e = tix_matcher_add(m, v[i].t, v[i].v, strlen(v[i].v), v[i].payload, &d);
        if (e)
            fail_msg("add %s: %s", v[i].v, d.msg);
    }
    assert_int_equal(tix_matcher_build(m, &d), TIX_EOK);
    return m;
}

static tix_matcher *make_base(void)
{
    return make(base, sizeof base / sizeof base[0]);
}

/* Every hit as "LINE TYPE PAYLOAD HIT\n"; the last line text seen. */
typedef struct {
    char out[8192];
    size_t len;
    char text[512];
    int stop_after; /* stop after that many hits; 0: never */
    int n;
} sink;

static int on_hit(void *ud, const tix_log_match *h)
{
    sink *k = ud;
    k->len += (size_t)snprintf(k->out + k->len, sizeof k->out - k->len, "%llu %s %u %.*s\n",
                               (unsigned long long)h->line, tix_obs_name(h->type), h->payload,
                               (int)h->hit_len, h->hit);
    snprintf(k->text, sizeof k->text, "%.*s", (int)h->len, h->text);
    /* the line holds the hit, unless it was decoded */
    assert_true(h->len <= 4096);
    k->n++;
    return k->stop_after && k->n >= k->stop_after;
}

static tix_err run(const tix_matcher *m, tix_log_format f, unsigned field, const char *data,
                   sink *k, tix_match_stats *st, tix_diag *d)
{
    tix_log_opts o = {f, field, NULL};
    memset(k->out, 0, sizeof k->out);
    k->len = 0;
    k->n = 0;
    memset(st, 0, sizeof *st);
    return tix_match_log(m, &o, data, strlen(data), "log", on_hit, k, st, d);
}

/* Hits of data in format f, as text. */
static const char *hits(const tix_matcher *m, tix_log_format f, unsigned field,
                        const char *data)
{
    static sink k;
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    k.stop_after = 0;
    tix_err e = run(m, f, field, data, &k, &st, &d);
    if (e)
        fail_msg("match: %s", d.msg);
    return k.out;
}

/* ---- the sets ------------------------------------------------------------ */

static void test_add_errors(void **state)
{
    (void)state;
    tix_matcher *m;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_matcher_new(&m, &d), TIX_EOK);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_SHA256, "ab", 2, 1, &d), TIX_EINVAL);
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_IPV4, "1.2.3", 5, 1, &d), TIX_EPARSE);
    assert_non_null(strstr(d.msg, "'1.2.3' is not an ipv4 indicator"));
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_IPV4, "1.2.3.4/33", 10, 1, &d), TIX_EPARSE);
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_IPV6, "2001:db8::g", 11, 1, &d), TIX_EPARSE);
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_DOMAIN, "com", 3, 1, &d), TIX_EPARSE);
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_DOMAIN, "a..com", 6, 1, &d), TIX_EPARSE);
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_URL, "evil.com/x", 10, 1, &d), TIX_EPARSE);
    tix_diag_clear(&d);
    /* the same value twice keeps the first payload */
    assert_int_equal(tix_matcher_add(m, TIX_OBS_DOMAIN, "Evil.COM.", 9, 1, &d), TIX_EOK);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_DOMAIN, "evil.com", 8, 2, &d), TIX_EOK);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_IPV4, "10.0.0.1", 8, 3, &d), TIX_EOK);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_IPV4, "10.0.0.1", 8, 4, &d), TIX_EOK);
    assert_int_equal(tix_matcher_count(m), 4);
    /* a log before build */
    tix_match_stats st = {0};
    assert_int_equal(tix_match_log(m, NULL, "x", 1, "log", NULL, NULL, &st, &d), TIX_EINVAL);
    tix_diag_clear(&d);
    assert_int_equal(tix_matcher_build(m, &d), TIX_EOK);
    assert_int_equal(tix_matcher_count(m), 2);
    assert_int_equal(tix_matcher_add(m, TIX_OBS_DOMAIN, "a.com", 5, 1, &d), TIX_EINVAL);
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "evil.com 10.0.0.1"),
                        "1 domain 1 evil.com\n1 ipv4 3 10.0.0.1\n");
    tix_matcher_free(m);
    tix_matcher_free(NULL);
}

static void test_empty_matcher(void **state)
{
    (void)state;
    tix_matcher *m = make(NULL, 0);
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "evil.com 1.2.3.4 http://a.com/"), "");
    assert_string_equal(hits(m, TIX_LOG_DNS, 0, "x queries: info: client 1.2.3.4#5 (a.com): "
                                                "query: a.com IN A +\n"),
                        "");
    tix_matcher_free(m);
}

static void test_subdomains_and_lookalikes(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "evil.com"), "1 domain 1 evil.com\n");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "a.b.evil.com"),
                        "1 domain 1 a.b.evil.com\n");
    /* a name under two indicators reports both, the most specific first */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "www.deep.x.evil.com"),
                        "1 domain 3 www.deep.x.evil.com\n1 domain 1 www.deep.x.evil.com\n");
    /* lookalikes */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0,
                             "notevil.com evil.com.attacker.net evil.co evil.community "
                             "bad.org x.bad.org evil-com.net evil_com"),
                        "");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "C2.Bad.ORG"), "1 domain 2 C2.Bad.ORG\n");
    /* case and a trailing dot */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "WWW.EVIL.COM."), "1 domain 1 WWW.EVIL.COM\n");
    /* more labels than the prefetched suffixes */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "z.y.k.j.i.h.g.f.e.d.c.b.a.example"),
                        "1 domain 10 z.y.k.j.i.h.g.f.e.d.c.b.a.example\n");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "j.i.h.g.f.e.d.c.b.a.example"), "");
    /* too long to be a name, empty labels */
    char longname[400];
    memset(longname, 'a', 300);
    strcpy(longname + 300, ".evil.com");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, longname), "");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "a..evil.com"), "1 domain 1 a..evil.com\n");
    tix_matcher_free(m);
}

static void test_addresses(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0,
                             "to 203.0.113.7:443 from 198.51.100.99, 203.0.113.70 "
                             "1203.0.113.7 203.0.113.7.5"),
                        "1 ipv4 4 203.0.113.7\n1 ipv4 5 198.51.100.99\n");
    /* IPv6 in any spelling, brackets, prefixes */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0,
                             "[2001:DB8:0:0::1]:443 2001:db8:bad:1::5 2001:db8::2 fe80::1%eth0"),
                        "1 ipv6 6 2001:DB8:0:0::1\n1 ipv6 7 2001:db8:bad:1::5\n");
    /* times and MACs are not addresses */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "10:00:00 aa:bb:cc:dd:ee:ff"), "");
    tix_matcher_free(m);
}

static void test_urls(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    /* scheme and host in any case, the query string left out, the host too */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0,
                             "GET HTTP://Phish.Example.NET/login.php?u=1 HTTP/1.1"),
                        "1 url 8 HTTP://Phish.Example.NET/login.php?u=1\n");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "see <https://evil.com:443/gate>."),
                        "1 url 9 https://evil.com:443/gate\n1 domain 1 evil.com\n");
    /* the path is not the indicator's */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "http://phish.example.net/login.phpx"), "");
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "ftp://user@203.0.113.7/x"),
                        "1 ipv4 4 203.0.113.7\n");
    tix_matcher_free(m);
}

/* ---- formats ------------------------------------------------------------- */

static void test_lines(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    sink k = {.stop_after = 0};
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run(m, TIX_LOG_TOKENS, 0, "", &k, &st, &d), TIX_EOK);
    assert_int_equal(st.lines, 0);
    assert_string_equal(k.out, "");
    /* CRLF, blank lines, the last line without its newline */
    assert_int_equal(run(m, TIX_LOG_TOKENS, 0, "a\r\n\r\nb evil.com\r\n\nc.evil.com", &k, &st, &d),
                     TIX_EOK);
    assert_string_equal(k.out, "3 domain 1 evil.com\n5 domain 1 c.evil.com\n");
    assert_string_equal(k.text, "c.evil.com");
    assert_int_equal(st.lines, 5);
    assert_int_equal(st.matched_lines, 2);
    assert_int_equal(st.hits, 2);
    assert_int_equal(run(m, TIX_LOG_TOKENS, 0, "x evil.com\r\n", &k, &st, &d), TIX_EOK);
    assert_string_equal(k.text, "x evil.com");
    assert_int_equal(st.lines, 1);
    /* an indicator once per line, however often it is there */
    assert_string_equal(hits(m, TIX_LOG_TOKENS, 0, "evil.com evil.com EVIL.com\nevil.com"),
                        "1 domain 1 evil.com\n2 domain 1 evil.com\n");
    tix_matcher_free(m);
}

static void test_stop(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    sink k = {.stop_after = 2};
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run(m, TIX_LOG_TOKENS, 0, "evil.com\nevil.com\nevil.com\n", &k, &st, &d),
                     TIX_ESTOPPED);
    assert_int_equal(k.n, 2);
    assert_int_equal(st.lines, 2);
    /* in the middle of a batch of DNS lines */
    tix_diag_clear(&d);
    char log[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(log, "t queries: info: client 10.0.0.1#5 (a.evil.com): query: a.evil.com IN A\n");
    assert_int_equal(run(m, TIX_LOG_DNS, 0, log, &k, &st, &d), TIX_ESTOPPED);
    assert_int_equal(k.n, 2);
    assert_int_equal(st.lines, 2);
    tix_matcher_free(m);
}

static void test_field(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    assert_string_equal(hits(m, TIX_LOG_FIELD, 2, "evil.com  \t c2.bad.org:53 203.0.113.7\n"
                                                  "only\n"
                                                  "1 http://phish.example.net/login.php"),
                        "1 domain 2 c2.bad.org\n3 url 8 http://phish.example.net/login.php\n");
    sink k = {.stop_after = 0};
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run(m, TIX_LOG_FIELD, 3, "a b\n\na b c\n", &k, &st, &d), TIX_EOK);
    assert_int_equal(st.skipped, 1);
    tix_log_opts o = {TIX_LOG_FIELD, 0, NULL};
    assert_int_equal(tix_match_log(m, &o, "a", 1, "log", on_hit, &k, &st, &d), TIX_EINVAL);
    tix_matcher_free(m);
}

static void test_dns_bind(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    const char *log =
        /* BIND 9.16 with print-category and print-severity */
        "22-May-2024 10:00:00.123 queries: info: client @0x7f8b2c0a1b20 10.1.2.3#53422 "
        "(www.example.com): query: www.example.com IN A +E(0)K (10.0.0.53)\n"
        "22-May-2024 10:00:00.124 queries: info: client @0x7f8b2c0a1b20 10.1.2.3#53422 "
        "(WWW.Evil.COM.): query: WWW.Evil.COM. IN A +E(0)K (10.0.0.53)\n"
        /* the client is an indicator; an old BIND without (NAME) */
        "22-May-2024 10:00:01.000 client 203.0.113.7#1234: query: c2.bad.org IN TXT +\n"
        /* IPv6 client, view */
        "22-May-2024 10:00:02.000 queries: info: client @0x1 2001:db8::1#5353 (ok.net): "
        "view internal: query: ok.net IN AAAA +E(0)K (::1)\n"
        /* BIND's other client lines name the query in parentheses */
        "22-May-2024 10:00:03.000 query-errors: info: client @0x2 10.9.9.9#1 "
        "(x.evil.com): query failed (SERVFAIL) for x.evil.com/IN/A at query.c:1\n"
        /* lookalikes */
        "22-May-2024 10:00:04.000 queries: info: client @0x3 10.1.2.3#1 (notevil.com): "
        "query: notevil.com IN A +\n"
        "22-May-2024 10:00:04.000 queries: info: client @0x3 10.1.2.3#1 "
        "(evil.com.attacker.net): query: evil.com.attacker.net IN A +\n"
        "some other line\n"
        "\n";
    assert_string_equal(hits(m, TIX_LOG_DNS, 0, log),
                        "2 domain 1 WWW.Evil.COM\n"
                        "3 domain 2 c2.bad.org\n"
                        "3 ipv4 4 203.0.113.7\n"
                        "4 ipv6 6 2001:db8::1\n"
                        "5 domain 1 x.evil.com\n");
    sink k = {.stop_after = 0};
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run(m, TIX_LOG_DNS, 0, log, &k, &st, &d), TIX_EOK);
    assert_int_equal(st.lines, 9);
    assert_int_equal(st.matched_lines, 4);
    assert_int_equal(st.hits, 5);
    assert_int_equal(st.skipped, 1);
    /* many lines: hits land in the right lines across batches */
    char big[32768] = "";
    for (int i = 1; i <= 100; i++)
        strcat(big, i % 7 == 0 ? "t queries: info: client 10.0.0.1#5 (a.b.evil.com): "
                                 "query: a.b.evil.com IN A +\n"
                               : "t queries: info: client 10.0.0.1#5 (a.b.good.com): "
                                 "query: a.b.good.com IN A +\n");
    assert_int_equal(run(m, TIX_LOG_DNS, 0, big, &k, &st, &d), TIX_EOK);
    assert_int_equal(st.lines, 100);
    assert_int_equal(st.matched_lines, 14);
    assert_non_null(strstr(k.out, "7 domain 1 a.b.evil.com\n14 domain 1"));
    assert_non_null(strstr(k.out, "98 domain 1 a.b.evil.com\n"));
    /* leading zeros in a client address are read the long way */
    assert_string_equal(hits(m, TIX_LOG_DNS, 0,
                             "t client 203.000.113.007#1 (a.b): query: a.b IN A +\n"),
                        "1 ipv4 4 203.000.113.007\n");
    tix_matcher_free(m);
}

static void test_dns_dnsmasq(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    assert_string_equal(
        hits(m, TIX_LOG_DNS, 0,
             "May 22 10:00:00 dnsmasq[123]: query[A] cdn.evil.com from 192.168.1.10\n"
             "May 22 10:00:00 dnsmasq[123]: forwarded cdn.evil.com to 9.9.9.9\n"
             "May 22 10:00:00 dnsmasq[123]: reply cdn.evil.com is 203.0.113.7\n"
             "May 22 10:00:01 dnsmasq[123]: query[AAAA] ok.org from 203.0.113.7\n"
             "May 22 10:00:02 dnsmasq[123]: cached c2.bad.org is <CNAME>\n"
             "May 22 10:00:03 dnsmasq[123]: query[type=65] C2.BAD.ORG from 10.0.0.1\n"),
        "1 domain 1 cdn.evil.com\n"
        "3 domain 1 cdn.evil.com\n3 ipv4 4 203.0.113.7\n"
        "4 ipv4 4 203.0.113.7\n"
        "5 domain 2 c2.bad.org\n"
        "6 domain 2 C2.BAD.ORG\n");
    tix_matcher_free(m);
}

static const char zeek_head[] =
    "#separator \\x09\n"
    "#set_separator\t,\n"
    "#empty_field\t(empty)\n"
    "#unset_field\t-\n"
    "#path\tdns\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\t"
    "query\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\t"
    "answers\tTTLs\trejected\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tcount\tstring\tcount\t"
    "string\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\t"
    "bool\n";

static void test_dns_zeek(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    char log[4096];
    snprintf(log, sizeof log, "%s%s", zeek_head,
             "1716372000.1\tC1\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\t1\tWWW.EVIL.COM\t1\tC_INTERNET"
             "\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\tedge.cdn.net,203.0.113.7\t60.0,60.0\tF\n"
             "1716372000.2\tC2\t10.0.0.5\t5353\t198.51.100.53\t53\tudp\t2\tok.net\t1\tC_INTERNET"
             "\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n"
             "1716372000.3\tC3\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\t3\t-\t-\t-\t-\t-\t-\t-\tF\tF"
             "\tT\tF\t0\t(empty)\t-\tF\n"
             "#close\t2024-05-22-10-00-00\n");
    assert_string_equal(hits(m, TIX_LOG_DNS, 0, log),
                        "8 domain 1 WWW.EVIL.COM\n8 ipv4 4 203.0.113.7\n"
                        "9 ipv4 5 198.51.100.53\n");
    /* the #fields header carries over from one piece to the next */
    tix_log_state ls = {0};
    tix_log_opts o = {TIX_LOG_DNS, 0, &ls};
    sink k = {.stop_after = 0};
    tix_match_stats st = {0};
    tix_diag d = TIX_DIAG_INIT;
    size_t head = strlen(zeek_head);
    assert_int_equal(tix_match_log(m, &o, log, head, "log", on_hit, &k, &st, &d), TIX_EOK);
    assert_int_equal(ls.lines, 7);
    assert_int_equal(tix_match_log(m, &o, log + head, strlen(log) - head, "log", on_hit, &k,
                                   &st, &d),
                     TIX_EOK);
    assert_string_equal(k.out, "8 domain 1 WWW.EVIL.COM\n8 ipv4 4 203.0.113.7\n"
                               "9 ipv4 5 198.51.100.53\n");
    assert_int_equal(st.lines, 11);
    assert_int_equal(ls.lines, 11);
    tix_matcher_free(m);
}

static void test_proxy(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    const char *log =
        "1716372000.123    215 10.0.0.8 TCP_MISS/200 1234 GET "
        "http://phish.example.net/login.php?a=1 - HIER_DIRECT/192.0.2.80 text/html\n"
        "1716372001.000     12 10.0.0.8 TCP_TUNNEL/200 5000 CONNECT WWW.EVIL.COM:443 - "
        "HIER_DIRECT/203.0.113.7 -\n"
        "1716372002.000     12 203.0.113.7 TCP_DENIED/403 0 GET http://ok.net/ - HIER_NONE/- "
        "text/html\n"
        "1716372003.000     12 10.0.0.8 TCP_MISS/200 0 CONNECT [2001:db8::1]:443 - "
        "HIER_DIRECT/2001:db8:bad::9 -\n"
        "short line\n"
        "1716372004.000     1 10.0.0.8 TCP_MISS/200 0 GET http://notevil.com/evil.com - "
        "HIER_DIRECT/192.0.2.1 -\n";
    assert_string_equal(hits(m, TIX_LOG_PROXY, 0, log),
                        "1 url 8 http://phish.example.net/login.php?a=1\n"
                        "2 domain 1 WWW.EVIL.COM\n2 ipv4 4 203.0.113.7\n"
                        "3 ipv4 4 203.0.113.7\n"
                        "4 ipv6 6 2001:db8::1\n4 ipv6 7 2001:db8:bad::9\n");
    sink k = {.stop_after = 0};
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run(m, TIX_LOG_PROXY, 0, log, &k, &st, &d), TIX_EOK);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(st.matched_lines, 4);
    tix_matcher_free(m);
}

static void test_csv(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    const char *log = "time,src,query,note\n"
                      "2024-05-22,10.0.0.1,evil.com,\"a, b\"\n"
                      "2024-05-22,\"203.0.113.7\",\"x\"\"y\",\"see \"\"c2.bad.org\"\"\"\n"
                      "2024-05-22, 10.0.0.1 ,\"unterminated c2.bad.org\n";
    assert_string_equal(hits(m, TIX_LOG_CSV, 0, log),
                        "2 domain 1 evil.com\n"
                        "3 ipv4 4 203.0.113.7\n3 domain 2 c2.bad.org\n"
                        "4 domain 2 c2.bad.org\n");
    assert_string_equal(hits(m, TIX_LOG_CSV, 2, log), "3 ipv4 4 203.0.113.7\n");
    assert_string_equal(hits(m, TIX_LOG_CSV, 4, log), "3 domain 2 c2.bad.org\n");
    /* a quoted comma does not split the field */
    assert_string_equal(hits(m, TIX_LOG_CSV, 3, "\"a,evil.com\",c2.bad.org\n"), "");
    assert_string_equal(hits(m, TIX_LOG_CSV, 2, "\"a,evil.com\",c2.bad.org\n"),
                        "1 domain 2 c2.bad.org\n");
    tix_matcher_free(m);
}

static void test_jsonl(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    const char *log =
        "{\"ts\":1,\"query\":\"evil.com\",\"evil.com\":true,\"n\":-1.5e3,\"z\":null}\n"
        "  \n"
        "{\"url\":\"http:\\/\\/phish.example.net\\/login.php\",\"a\":[1,\"c2\\u002ebad.org\"]}\n"
        "{\"msg\":\"\\\"203.0.113.7\\\" \\ud83d\\ude00 \\udead x.evil.com\\t\",\"o\":{}}\n"
        "[\"nested\",[{\"deep\":[\"2001:db8::1\"]}]]\n";
    assert_string_equal(hits(m, TIX_LOG_JSONL, 0, log),
                        "1 domain 1 evil.com\n"
                        "3 url 8 http://phish.example.net/login.php\n3 domain 2 c2.bad.org\n"
                        "4 ipv4 4 203.0.113.7\n4 domain 1 x.evil.com\n"
                        "5 ipv6 6 2001:db8::1\n");
    tix_matcher_free(m);
}

static void test_jsonl_errors(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"{\"a\":\"evil.com\"}\n{\"a\":1,}\n", "log:2: not JSON (expected a member name at column 8)"},
        {"not json\n", "log:1: not JSON (unexpected character at column 1)"},
        {"{\"a\":\"x\\q\"}\n", "log:1: not JSON (bad escape at column 8)"},
        {"{\"a\":\"\\u12g4\"}\n", "log:1: not JSON (bad \\u escape at column 7)"},
        {"{\"a\":\"x\n", "log:1: not JSON (unterminated string at column 8)"},
        {"{\"a\":\"\t\"}\n", "log:1: not JSON (control character in a string at column 7)"},
        {"{\"a\":1} x\n", "log:1: not JSON (text after the value at column 9)"},
        {"{\"a\" 1}\n", "log:1: not JSON (expected ':' at column 6)"},
        {"[1 2]\n", "log:1: not JSON (expected ',' or ']' at column 4)"},
        {"{\"a\":01}\n", "log:1: not JSON (expected ',' or '}' at column 7)"},
        {"{\"a\":tru}\n", "log:1: not JSON (unexpected character at column 6)"},
        {"{\"a\":[}\n", "log:1: not JSON (unexpected character at column 7)"},
        {"{\"a\":-}\n", "log:1: not JSON (bad number at column 7)"},
        {"[\n", "log:1: not JSON (unexpected end of line at column 2)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sink k = {.stop_after = 0};
        tix_match_stats st;
        tix_diag d = TIX_DIAG_INIT;
        assert_int_equal(run(m, TIX_LOG_JSONL, 0, bad[i].in, &k, &st, &d), TIX_EPARSE);
        if (strcmp(d.msg, bad[i].msg) != 0)
            fail_msg("%s: got '%s', want '%s'", bad[i].in, d.msg, bad[i].msg);
    }
    /* what came before the bad line was reported */
    sink k = {.stop_after = 0};
    tix_match_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run(m, TIX_LOG_JSONL, 0, bad[0].in, &k, &st, &d), TIX_EPARSE);
    assert_string_equal(k.out, "1 domain 1 evil.com\n");
    /* too deep */
    char deep[3000];
    memset(deep, '[', 2000);
    deep[2000] = '\0';
    assert_int_equal(run(m, TIX_LOG_JSONL, 0, deep, &k, &st, &d), TIX_EPARSE);
    tix_matcher_free(m);
}

/* A piece at a time gives what the whole gives. */
static void test_pieces(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    const char *log = "a evil.com\nb\nc 203.0.113.7\nd c2.bad.org\n";
    const char *want = hits(m, TIX_LOG_TOKENS, 0, log);
    char w[256];
    snprintf(w, sizeof w, "%s", want);
    tix_log_state ls = {0};
    tix_log_opts o = {TIX_LOG_TOKENS, 0, &ls};
    sink k = {.stop_after = 0};
    tix_match_stats st = {0};
    tix_diag d = TIX_DIAG_INIT;
    size_t cut = strlen("a evil.com\nb\n");
    assert_int_equal(tix_match_log(m, &o, log, cut, "log", on_hit, &k, &st, &d), TIX_EOK);
    assert_int_equal(tix_match_log(m, &o, log + cut, strlen(log) - cut, "log", on_hit, &k, &st,
                                   &d),
                     TIX_EOK);
    assert_string_equal(k.out, w);
    assert_int_equal(st.lines, 4);
    assert_int_equal(st.matched_lines, 3);
    tix_matcher_free(m);
}

/* Input that ends anywhere: nothing is read past it (ASan checks). */
static void test_tails(void **state)
{
    (void)state;
    tix_matcher *m = make_base();
    const char *src = "22-May-2024 10:00:00.124 queries: info: client @0x7f 203.0.113.7#5 "
                      "(a.evil.com): query: a.evil.com IN A +E(0)K (10.0.0.53)";
    size_t n = strlen(src);
    for (size_t len = 0; len <= n; len++) {
        for (int f = TIX_LOG_TOKENS; f <= TIX_LOG_JSONL; f++) {
            char *buf = malloc(len ? len : 1);
            memcpy(buf, src, len);
            tix_log_opts o = {(tix_log_format)f, f == TIX_LOG_FIELD ? 9 : 0, NULL};
            tix_match_stats st = {0};
            tix_diag d = TIX_DIAG_INIT;
            tix_err e = tix_match_log(m, &o, buf, len, "log", NULL, NULL, &st, &d);
            assert_true(e == TIX_EOK || (f == TIX_LOG_JSONL && e == TIX_EPARSE));
            free(buf);
        }
    }
    tix_matcher_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_empty_matcher),
        cmocka_unit_test(test_subdomains_and_lookalikes),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_field),
        cmocka_unit_test(test_dns_bind),
        cmocka_unit_test(test_dns_dnsmasq),
        cmocka_unit_test(test_dns_zeek),
        cmocka_unit_test(test_proxy),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_jsonl_errors),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_tails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
