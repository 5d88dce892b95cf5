/* test_observable.c - canonical forms, type lists, identify, STIX id format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tix/tix.h"

/* ---- helpers ----------------------------------------------------------- */

/* in canonicalises as type t to want. */
static void canon_ok(tix_obs_type t, const char *in, const char *want)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    tix_err rc = tix_obs_canon(t, in, strlen(in), &b, &d);
    if (rc != TIX_EOK)
        fail_msg("canon %s '%s': error %d (%s), want '%s'", tix_obs_name(t), in,
                 (int)rc, d.msg, want);
    if (b.p == NULL || strcmp(b.p, want) != 0 || b.len != strlen(want))
        fail_msg("canon %s '%s' = '%s', want '%s'", tix_obs_name(t), in,
                 b.p ? b.p : "(null)", want);
    assert_int_equal(d.code, TIX_EOK);
    tix_buf_free(&b);
}

/* in is not a valid t: TIX_EPARSE with a message, nothing appended. */
static void canon_bad(tix_obs_type t, const char *in)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "keep");
    tix_diag d = TIX_DIAG_INIT;
    tix_err rc = tix_obs_canon(t, in, strlen(in), &b, &d);
    if (rc != TIX_EPARSE)
        fail_msg("canon %s '%s': rc %d, output '%s', want TIX_EPARSE",
                 tix_obs_name(t), in, (int)rc, b.p);
    assert_int_equal(d.code, TIX_EPARSE);
    assert_true(strlen(d.msg) > 0);
    if (strcmp(b.p, "keep") != 0)
        fail_msg("canon %s '%s' failed but appended: '%s'", tix_obs_name(t), in, b.p);
    tix_buf_free(&b);
}

/* canon appends: the value goes after what the buffer holds */
static void test_canon_appends(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "x=");
    assert_int_equal(tix_obs_canon(TIX_OBS_DOMAIN, "EXAMPLE.COM", 11, &b, NULL),
                     TIX_EOK);
    assert_string_equal(b.p, "x=example.com");
    /* in need not be NUL-terminated: only len bytes count */
    tix_buf_reset(&b);
    assert_int_equal(tix_obs_canon(TIX_OBS_IPV4, "10.1.2.3999", 8, &b, NULL),
                     TIX_EOK);
    assert_string_equal(b.p, "10.1.2.3");
    tix_buf_free(&b);
}

/* ---- names ------------------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    static const char *const names[] = {"ipv4", "ipv6", "domain", "url",
                                        "email", "md5", "sha1", "sha256",
                                        "sha512", "btc", "xmr", "cve", "asn"};
    static const char *const stix[] = {
        "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "file",
        "file", "file", "file", "cryptocurrency-wallet",
        "cryptocurrency-wallet", "vulnerability", "autonomous-system"};
    assert_int_equal(TIX_OBS_COUNT, 13);
    for (int i = 0; i < TIX_OBS_COUNT; i++) {
        assert_string_equal(tix_obs_name((tix_obs_type)i), names[i]);
        assert_string_equal(tix_obs_stix_type((tix_obs_type)i), stix[i]);
        assert_int_equal(tix_obs_from_name(names[i], strlen(names[i])), i);
    }
    assert_null(tix_obs_name(TIX_OBS_COUNT));
    assert_null(tix_obs_stix_type(TIX_OBS_COUNT));
    assert_int_equal(tix_obs_from_name("ip", 2), -1);
    assert_int_equal(tix_obs_from_name("IPV4", 4), -1);
    assert_int_equal(tix_obs_from_name("sha2", 4), -1);
    assert_int_equal(tix_obs_from_name("sha256x", 6), TIX_OBS_SHA256); /* len counts */
    assert_int_equal(tix_obs_from_name("", 0), -1);
}

/* ---- ipv4 ------------------------------------------------------------- */

static void test_ipv4(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_IPV4, "1.2.3.4", "1.2.3.4");
    canon_ok(TIX_OBS_IPV4, "0.0.0.0", "0.0.0.0");
    canon_ok(TIX_OBS_IPV4, "255.255.255.255", "255.255.255.255");
    /* leading zeros are decimal, not octal */
    canon_ok(TIX_OBS_IPV4, "010.000.001.002", "10.0.1.2");
    canon_ok(TIX_OBS_IPV4, "192.168.001.010", "192.168.1.10");
    canon_ok(TIX_OBS_IPV4, "09.08.007.0", "9.8.7.0");
    /* CIDR kept */
    canon_ok(TIX_OBS_IPV4, "192.0.2.0/24", "192.0.2.0/24");
    canon_ok(TIX_OBS_IPV4, "10.0.0.0/8", "10.0.0.0/8");
    canon_ok(TIX_OBS_IPV4, "1.2.3.4/32", "1.2.3.4/32");
    canon_ok(TIX_OBS_IPV4, "0.0.0.0/0", "0.0.0.0/0");
    canon_ok(TIX_OBS_IPV4, "010.0.0.0/8", "10.0.0.0/8");

    canon_bad(TIX_OBS_IPV4, "256.1.1.1");
    canon_bad(TIX_OBS_IPV4, "1.2.3.256");
    canon_bad(TIX_OBS_IPV4, "1.2.3.999");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4.5");
    canon_bad(TIX_OBS_IPV4, "1.2.3");
    canon_bad(TIX_OBS_IPV4, "1.2.3.");
    canon_bad(TIX_OBS_IPV4, "1..2.3");
    canon_bad(TIX_OBS_IPV4, ".1.2.3.4");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4.");
    canon_bad(TIX_OBS_IPV4, "1.2.3.a");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4 ");
    canon_bad(TIX_OBS_IPV4, "");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4/33");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4/");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4/x");
    canon_bad(TIX_OBS_IPV4, "1.2.3.4/24/8");
    canon_bad(TIX_OBS_IPV4, "-1.2.3.4");
}

/* ---- ipv6 ------------------------------------------------------------- */

static void test_ipv6_rfc5952(void **state)
{
    (void)state;
    /* 4.3: lower case */
    canon_ok(TIX_OBS_IPV6, "2001:DB8:0:0:0:0:2:1", "2001:db8::2:1");
    canon_ok(TIX_OBS_IPV6, "2001:DB8::ABCD", "2001:db8::abcd");
    /* 4.1: leading zeros suppressed */
    canon_ok(TIX_OBS_IPV6, "2001:0db8::0001", "2001:db8::1");
    canon_ok(TIX_OBS_IPV6, "2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1");
    /* 4.2.1: longest run compressed, completely */
    canon_ok(TIX_OBS_IPV6, "2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
    canon_ok(TIX_OBS_IPV6, "2001:db8::0:1", "2001:db8::1");
    /* 4.2.2: a single 0 group is not compressed */
    canon_ok(TIX_OBS_IPV6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
    canon_ok(TIX_OBS_IPV6, "2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
    /* 4.2.3: the longest run, and the first one on a tie */
    canon_ok(TIX_OBS_IPV6, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
    canon_ok(TIX_OBS_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    canon_ok(TIX_OBS_IPV6, "fe80:0:0:0:1:0:0:0", "fe80::1:0:0:0");
    canon_ok(TIX_OBS_IPV6, "1:0:0:2:0:0:0:0", "1:0:0:2::");
    /* edges */
    canon_ok(TIX_OBS_IPV6, "::1", "::1");
    canon_ok(TIX_OBS_IPV6, "0:0:0:0:0:0:0:1", "::1");
    canon_ok(TIX_OBS_IPV6, "::", "::");
    canon_ok(TIX_OBS_IPV6, "0:0:0:0:0:0:0:0", "::");
    canon_ok(TIX_OBS_IPV6, "1::", "1::");
    canon_ok(TIX_OBS_IPV6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* 5: IPv4-mapped addresses end in dotted decimal */
    canon_ok(TIX_OBS_IPV6, "::ffff:192.0.2.1", "::ffff:192.0.2.1");
    canon_ok(TIX_OBS_IPV6, "::FFFF:c000:0201", "::ffff:192.0.2.1");
    canon_ok(TIX_OBS_IPV6, "0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1");
    /* prefixes kept */
    canon_ok(TIX_OBS_IPV6, "2001:db8::/64", "2001:db8::/64");
    canon_ok(TIX_OBS_IPV6, "2001:DB8:0:0:0:0:0:0/32", "2001:db8::/32");
    canon_ok(TIX_OBS_IPV6, "::/0", "::/0");
    canon_ok(TIX_OBS_IPV6, "2001:db8::1/128", "2001:db8::1/128");
}

static void test_ipv6_bad(void **state)
{
    (void)state;
    canon_bad(TIX_OBS_IPV6, "2001:db8::1::2");
    canon_bad(TIX_OBS_IPV6, "2001:db8:0:0:0:0:0:0:1");
    canon_bad(TIX_OBS_IPV6, "12345::1");
    canon_bad(TIX_OBS_IPV6, "gggg::1");
    canon_bad(TIX_OBS_IPV6, "12:34:56");
    canon_bad(TIX_OBS_IPV6, ":");
    canon_bad(TIX_OBS_IPV6, "");
    canon_bad(TIX_OBS_IPV6, "1.2.3.4");
    canon_bad(TIX_OBS_IPV6, "2001:db8::/129");
    canon_bad(TIX_OBS_IPV6, "2001:db8::/");
    canon_bad(TIX_OBS_IPV6, "2001:db8::/6x");
    canon_bad(TIX_OBS_IPV6, "[2001:db8::1]");
}

/* ---- domain ----------------------------------------------------------- */

static void test_domain(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_DOMAIN, "example.com", "example.com");
    canon_ok(TIX_OBS_DOMAIN, "WWW.EXAMPLE.COM", "www.example.com");
    canon_ok(TIX_OBS_DOMAIN, "Mail.Example.Org", "mail.example.org");
    canon_ok(TIX_OBS_DOMAIN, "example.com.", "example.com");
    canon_ok(TIX_OBS_DOMAIN, "my-host.example.co.uk", "my-host.example.co.uk");
    canon_ok(TIX_OBS_DOMAIN, "example.co.uk", "example.co.uk");
    canon_ok(TIX_OBS_DOMAIN, "123.example.net", "123.example.net");
    /* IDN to A-label; an A-label stays */
    canon_ok(TIX_OBS_DOMAIN, "b\xc3\xbc" "cher.de", "xn--bcher-kva.de");
    canon_ok(TIX_OBS_DOMAIN, "www.b\xc3\xbc" "cher.de", "www.xn--bcher-kva.de");
    canon_ok(TIX_OBS_DOMAIN, "xn--bcher-kva.de", "xn--bcher-kva.de");
    canon_ok(TIX_OBS_DOMAIN, "XN--BCHER-KVA.DE", "xn--bcher-kva.de");
    /* labels of 63 bytes are fine */
    char name[300];
    memset(name, 'a', 63);
    strcpy(name + 63, ".com");
    canon_ok(TIX_OBS_DOMAIN, name, name);
}

static void test_domain_bad(void **state)
{
    (void)state;
    /* a label of 64 bytes */
    char name[400];
    memset(name, 'a', 64);
    strcpy(name + 64, ".com");
    canon_bad(TIX_OBS_DOMAIN, name);
    /* more than 253 bytes in all (labels of 49 + dot) */
    size_t n = 0;
    for (int k = 0; k < 5; k++) {
        memset(name + n, (char)('a' + k), 49);
        n += 49;
        name[n++] = '.';
    }
    strcpy(name + n, "com"); /* 5 * 50 + 3 = 253: fits */
    canon_ok(TIX_OBS_DOMAIN, name, name);
    memmove(name + 1, name, strlen(name) + 1); /* 254 */
    name[0] = 'z';
    canon_bad(TIX_OBS_DOMAIN, name);

    canon_bad(TIX_OBS_DOMAIN, "setup.exe");    /* not a TLD */
    canon_bad(TIX_OBS_DOMAIN, "readme.txt");
    canon_bad(TIX_OBS_DOMAIN, "example.notatld");
    canon_bad(TIX_OBS_DOMAIN, "co.uk");        /* a public suffix */
    canon_bad(TIX_OBS_DOMAIN, "com");
    canon_bad(TIX_OBS_DOMAIN, "com.");
    canon_bad(TIX_OBS_DOMAIN, "localhost");
    canon_bad(TIX_OBS_DOMAIN, "ex_ample.com"); /* underscore */
    canon_bad(TIX_OBS_DOMAIN, "_dmarc.example.com");
    canon_bad(TIX_OBS_DOMAIN, "-bad.com");
    canon_bad(TIX_OBS_DOMAIN, "bad-.com");
    canon_bad(TIX_OBS_DOMAIN, "a..example.com");
    canon_bad(TIX_OBS_DOMAIN, ".example.com");
    canon_bad(TIX_OBS_DOMAIN, "example.com..");
    canon_bad(TIX_OBS_DOMAIN, "exa mple.com");
    canon_bad(TIX_OBS_DOMAIN, "example.com/");
    canon_bad(TIX_OBS_DOMAIN, "1.2.3.4");
    canon_bad(TIX_OBS_DOMAIN, "");
    canon_bad(TIX_OBS_DOMAIN, ".");
}

/* ---- url -------------------------------------------------------------- */

static void test_url(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_URL, "http://example.com/", "http://example.com/");
    canon_ok(TIX_OBS_URL, "http://example.com", "http://example.com");
    /* scheme and host lower case, the rest as written */
    canon_ok(TIX_OBS_URL, "HTTP://EXAMPLE.COM/Path/File.PHP?Q=A#Frag",
             "http://example.com/Path/File.PHP?Q=A#Frag");
    canon_ok(TIX_OBS_URL, "HtTpS://Www.Example.Org/A", "https://www.example.org/A");
    canon_ok(TIX_OBS_URL, "http://User:Pw@Example.com/x", "http://User:Pw@example.com/x");
    /* default port removed, others kept */
    canon_ok(TIX_OBS_URL, "http://example.com:80/x", "http://example.com/x");
    canon_ok(TIX_OBS_URL, "https://example.com:443/x", "https://example.com/x");
    canon_ok(TIX_OBS_URL, "ftp://example.com:21/f", "ftp://example.com/f");
    canon_ok(TIX_OBS_URL, "http://example.com:8080/x", "http://example.com:8080/x");
    canon_ok(TIX_OBS_URL, "https://example.com:80/x", "https://example.com:80/x");
    canon_ok(TIX_OBS_URL, "http://example.com:443/x", "http://example.com:443/x");
    canon_ok(TIX_OBS_URL, "http://example.com:8080", "http://example.com:8080");
    /* defanged schemes */
    canon_ok(TIX_OBS_URL, "hxxp://example.com/x", "http://example.com/x");
    canon_ok(TIX_OBS_URL, "hXXp://example.com/x", "http://example.com/x");
    canon_ok(TIX_OBS_URL, "HXXPS://example.com/x", "https://example.com/x");
    canon_ok(TIX_OBS_URL, "hxxps://example.com:443/x", "https://example.com/x");
    canon_ok(TIX_OBS_URL, "fxp://example.com/x", "ftp://example.com/x");
    /* other schemes */
    canon_ok(TIX_OBS_URL, "wss://example.com/ws", "wss://example.com/ws");
    canon_ok(TIX_OBS_URL, "sftp://example.com/f", "sftp://example.com/f");
    /* hosts: IPv4, IPv6, IDN */
    canon_ok(TIX_OBS_URL, "http://192.0.2.1/a", "http://192.0.2.1/a");
    canon_ok(TIX_OBS_URL, "http://010.0.0.1:8080/a", "http://10.0.0.1:8080/a");
    canon_ok(TIX_OBS_URL, "http://[2001:DB8:0:0:0:0:0:1]:8443/a",
             "http://[2001:db8::1]:8443/a");
    canon_ok(TIX_OBS_URL, "http://[2001:db8::1]/", "http://[2001:db8::1]/");
    canon_ok(TIX_OBS_URL, "http://[::1]:80/", "http://[::1]/");
    canon_ok(TIX_OBS_URL, "http://b\xc3\xbc" "cher.de/B\xc3\xbc" "cher",
             "http://xn--bcher-kva.de/B\xc3\xbc" "cher");
    canon_ok(TIX_OBS_URL, "http://example.com?q=1", "http://example.com?q=1");
}

static void test_url_bad(void **state)
{
    (void)state;
    canon_bad(TIX_OBS_URL, "example.com/x");
    canon_bad(TIX_OBS_URL, "gopher://example.com/");
    canon_bad(TIX_OBS_URL, "javascript://example.com/");
    canon_bad(TIX_OBS_URL, "http:/example.com/");
    canon_bad(TIX_OBS_URL, "http://");
    canon_bad(TIX_OBS_URL, "http:///x");
    canon_bad(TIX_OBS_URL, "http://exa mple.com/");
    canon_bad(TIX_OBS_URL, "http://example.com/a b");
    canon_bad(TIX_OBS_URL, "http://example.notatld/");
    canon_bad(TIX_OBS_URL, "http://example.com:0/");
    canon_bad(TIX_OBS_URL, "http://example.com:65536/");
    canon_bad(TIX_OBS_URL, "http://example.com:http/");
    canon_bad(TIX_OBS_URL, "http://[2001:db8::1/");
    canon_bad(TIX_OBS_URL, "http://[not:v6:zz]/");
    canon_bad(TIX_OBS_URL, "http://1.2.3.999/");
    canon_bad(TIX_OBS_URL, "");
    /* longer than TIX_OBS_VALUE_MAX */
    size_t n = TIX_OBS_VALUE_MAX + 10;
    char *u = malloc(n + 1);
    assert_non_null(u);
    memcpy(u, "http://example.com/", 19);
    memset(u + 19, 'a', n - 19);
    u[n] = '\0';
    canon_bad(TIX_OBS_URL, u);
    free(u);
}

/* ---- email ------------------------------------------------------------ */

static void test_email(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_EMAIL, "john@example.com", "john@example.com");
    /* local part as written, domain canonical */
    canon_ok(TIX_OBS_EMAIL, "John.Doe@Example.COM", "John.Doe@example.com");
    canon_ok(TIX_OBS_EMAIL, "a+tag_x%y-z@mail.example.org", "a+tag_x%y-z@mail.example.org");
    canon_ok(TIX_OBS_EMAIL, "x@b\xc3\xbc" "cher.de", "x@xn--bcher-kva.de");
    char local[80];
    memset(local, 'l', 64);
    strcpy(local + 64, "@example.com");
    canon_ok(TIX_OBS_EMAIL, local, local);

    memset(local, 'l', 65);
    strcpy(local + 65, "@example.com");
    canon_bad(TIX_OBS_EMAIL, local);
    canon_bad(TIX_OBS_EMAIL, ".john@example.com");
    canon_bad(TIX_OBS_EMAIL, "john.@example.com");
    canon_bad(TIX_OBS_EMAIL, "@example.com");
    canon_bad(TIX_OBS_EMAIL, "john@");
    canon_bad(TIX_OBS_EMAIL, "john");
    canon_bad(TIX_OBS_EMAIL, "john@localhost");
    canon_bad(TIX_OBS_EMAIL, "john@example.notatld");
    canon_bad(TIX_OBS_EMAIL, "jo hn@example.com");
    canon_bad(TIX_OBS_EMAIL, "jo<hn@example.com");
    canon_bad(TIX_OBS_EMAIL, "john@co.uk");
}

/* ---- hashes ----------------------------------------------------------- */

static void test_hashes(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_MD5, "D41D8CD98F00B204E9800998ECF8427E",
             "d41d8cd98f00b204e9800998ecf8427e");
    canon_ok(TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e",
             "d41d8cd98f00b204e9800998ecf8427e");
    canon_ok(TIX_OBS_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
             "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    canon_ok(TIX_OBS_SHA256,
             "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    canon_ok(TIX_OBS_SHA512,
             "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE"
             "47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E",
             "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
             "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    /* one digit differs from the rest: a hash */
    canon_ok(TIX_OBS_MD5, "0000000000000000000000000000000A",
             "0000000000000000000000000000000a");

    /* wrong length for the type */
    canon_bad(TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427");
    canon_bad(TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e0");
    canon_bad(TIX_OBS_SHA1, "d41d8cd98f00b204e9800998ecf8427e");
    canon_bad(TIX_OBS_SHA256, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    canon_bad(TIX_OBS_SHA512,
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    canon_bad(TIX_OBS_MD5, "");
    /* not hex */
    canon_bad(TIX_OBS_MD5, "g41d8cd98f00b204e9800998ecf8427e");
    canon_bad(TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427z");
    canon_bad(TIX_OBS_MD5, "d41d8cd98f00b204 9800998ecf8427e");
    canon_bad(TIX_OBS_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd8070-");
    /* one repeated digit */
    canon_bad(TIX_OBS_MD5, "00000000000000000000000000000000");
    canon_bad(TIX_OBS_MD5, "ffffffffffffffffffffffffffffffff");
    canon_bad(TIX_OBS_MD5, "FFFFFFFFFFFFFFFFffffffffffffffff");
    canon_bad(TIX_OBS_SHA1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    canon_bad(TIX_OBS_SHA256,
              "1111111111111111111111111111111111111111111111111111111111111111");
}

/* ---- wallets ---------------------------------------------------------- */

static void test_btc_xmr(void **state)
{
    (void)state;
    /* base58 as written */
    canon_ok(TIX_OBS_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
             "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    canon_ok(TIX_OBS_BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
             "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
    /* bech32 lower case (BIP 173 vector) */
    canon_ok(TIX_OBS_BTC, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
             "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    canon_ok(TIX_OBS_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
             "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    canon_bad(TIX_OBS_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"); /* checksum */
    canon_bad(TIX_OBS_BTC, "1a1zp1ep5qgefi2dmptftl5slmv7divfna"); /* case matters */
    canon_bad(TIX_OBS_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5");
    canon_bad(TIX_OBS_BTC, "");

    const char *xmr = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpD"
                      "tQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
    canon_ok(TIX_OBS_XMR, xmr, xmr);
    char bad[128];
    strcpy(bad, xmr);
    bad[10] = bad[10] == 'a' ? 'b' : 'a';
    canon_bad(TIX_OBS_XMR, bad);
    canon_bad(TIX_OBS_XMR, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
}

/* ---- cve -------------------------------------------------------------- */

static void test_cve(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_CVE, "CVE-2021-44228", "CVE-2021-44228");
    canon_ok(TIX_OBS_CVE, "cve-2021-44228", "CVE-2021-44228");
    canon_ok(TIX_OBS_CVE, "Cve-2014-0160", "CVE-2014-0160");
    canon_ok(TIX_OBS_CVE, "CVE-1999-0001", "CVE-1999-0001");
    canon_ok(TIX_OBS_CVE, "CVE-2024-1234567", "CVE-2024-1234567");

    canon_bad(TIX_OBS_CVE, "CVE-1998-0001"); /* before CVE existed */
    canon_bad(TIX_OBS_CVE, "CVE-0999-0001");
    canon_bad(TIX_OBS_CVE, "CVE-2021-123");  /* 3 digits */
    canon_bad(TIX_OBS_CVE, "CVE-21-44228");
    canon_bad(TIX_OBS_CVE, "CVE-2021-4422a");
    canon_bad(TIX_OBS_CVE, "CVE 2021-44228");
    canon_bad(TIX_OBS_CVE, "CVE-2021_44228");
    canon_bad(TIX_OBS_CVE, "CAN-2021-44228");
    canon_bad(TIX_OBS_CVE, "CVE-2021-");
    canon_bad(TIX_OBS_CVE, "");
}

/* docs/extract.md: "4 or more digits in the sequence number" - no upper
 * limit is documented, and CVE ids have none. */
static void test_cve_long_sequence(void **state)
{
    (void)state;
    canon_ok(TIX_OBS_CVE, "cve-2024-12345678", "CVE-2024-12345678");
}

static void test_canon_bad_type(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_obs_canon(TIX_OBS_COUNT, "1.2.3.4", 7, &b, &d), TIX_EINVAL);
    assert_int_equal(d.code, TIX_EINVAL);
    assert_int_equal(b.len, 0);
    tix_buf_free(&b);
}

/* ---- type lists ------------------------------------------------------- */

static void test_parse_types(void **state)
{
    (void)state;
    const uint32_t ip = TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6);
    const uint32_t hash = TIX_OBS_BIT(TIX_OBS_MD5) | TIX_OBS_BIT(TIX_OBS_SHA1) |
                          TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_SHA512);
    uint32_t m = 0;
    tix_diag d = TIX_DIAG_INIT;

    assert_int_equal(tix_obs_parse_types("ip,hash", &m, &d), TIX_EOK);
    assert_int_equal(m, ip | hash);
    assert_int_equal(tix_obs_parse_types("all", &m, &d), TIX_EOK);
    assert_int_equal(m, TIX_OBS_ALL);
    assert_int_equal(m, 0x1fffu); /* 13 types */
    assert_int_equal(tix_obs_parse_types("url", &m, &d), TIX_EOK);
    assert_int_equal(m, TIX_OBS_BIT(TIX_OBS_URL));
    assert_int_equal(tix_obs_parse_types("cve,xmr,email,domain", &m, &d), TIX_EOK);
    assert_int_equal(m, TIX_OBS_BIT(TIX_OBS_CVE) | TIX_OBS_BIT(TIX_OBS_XMR) |
                            TIX_OBS_BIT(TIX_OBS_EMAIL) | TIX_OBS_BIT(TIX_OBS_DOMAIN));
    assert_int_equal(tix_obs_parse_types("ipv6,sha256", &m, &d), TIX_EOK);
    assert_int_equal(m, TIX_OBS_BIT(TIX_OBS_IPV6) | TIX_OBS_BIT(TIX_OBS_SHA256));
    assert_int_equal(tix_obs_parse_types("btc,btc", &m, &d), TIX_EOK);
    assert_int_equal(m, TIX_OBS_BIT(TIX_OBS_BTC));
    assert_int_equal(d.code, TIX_EOK);

    /* unknown names: EINVAL, a message naming it, mask untouched */
    m = 0x5a5a;
    assert_int_equal(tix_obs_parse_types("ip,bogus", &m, &d), TIX_EINVAL);
    assert_int_equal(d.code, TIX_EINVAL);
    assert_non_null(strstr(d.msg, "bogus"));
    assert_int_equal(m, 0x5a5a);

    tix_diag_clear(&d);
    assert_int_equal(tix_obs_parse_types("IPV4", &m, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "IPV4"));
    tix_diag_clear(&d);
    assert_int_equal(tix_obs_parse_types("sha", &m, &d), TIX_EINVAL);
    assert_true(strlen(d.msg) > 0);
    tix_diag_clear(&d);
    assert_int_equal(tix_obs_parse_types("", &m, &d), TIX_EINVAL);
    assert_true(strlen(d.msg) > 0);
    assert_int_equal(m, 0x5a5a);
    assert_int_equal(tix_obs_parse_types("all", &m, NULL), TIX_EOK);
    assert_int_equal(tix_obs_parse_types("nope", &m, NULL), TIX_EINVAL);
}

/* ---- identify --------------------------------------------------------- */

static void identify_is(const char *in, tix_obs_type want_type, const char *want)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    tix_obs_type t = TIX_OBS_COUNT;
    tix_err rc = tix_obs_identify(in, strlen(in), &t, &b, &d);
    if (rc != TIX_EOK)
        fail_msg("identify '%s': rc %d (%s), want %s '%s'", in, (int)rc, d.msg,
                 tix_obs_name(want_type), want);
    if (t != want_type || b.p == NULL || strcmp(b.p, want) != 0)
        fail_msg("identify '%s' = %s '%s', want %s '%s'", in,
                 tix_obs_name(t) ? tix_obs_name(t) : "?", b.p ? b.p : "(null)",
                 tix_obs_name(want_type), want);
    tix_buf_free(&b);
}

static void identify_bad(const char *in)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    tix_obs_type t = TIX_OBS_COUNT;
    tix_err rc = tix_obs_identify(in, strlen(in), &t, &b, &d);
    if (rc != TIX_EPARSE)
        fail_msg("identify '%s': rc %d, got %s '%s', want TIX_EPARSE", in, (int)rc,
                 tix_obs_name(t) ? tix_obs_name(t) : "?", b.p ? b.p : "");
    assert_true(strlen(d.msg) > 0);
    assert_int_equal(b.len, 0);
    tix_buf_free(&b);
}

static void test_identify(void **state)
{
    (void)state;
    identify_is("hxxp://evil[.]com/x", TIX_OBS_URL, "http://evil.com/x");
    identify_is("http://evil.com/x", TIX_OBS_URL, "http://evil.com/x");
    identify_is("1.2.3.4", TIX_OBS_IPV4, "1.2.3.4");
    identify_is("1[.]2[.]3[.]4", TIX_OBS_IPV4, "1.2.3.4");
    identify_is("192.0.2.0/24", TIX_OBS_IPV4, "192.0.2.0/24");
    identify_is("2001:DB8::1", TIX_OBS_IPV6, "2001:db8::1");
    identify_is("EVIL.COM", TIX_OBS_DOMAIN, "evil.com");
    identify_is("evil[.]com", TIX_OBS_DOMAIN, "evil.com");
    identify_is("  evil.com \n", TIX_OBS_DOMAIN, "evil.com");
    identify_is("b\xc3\xbc" "cher.de", TIX_OBS_DOMAIN, "xn--bcher-kva.de");
    identify_is("john[at]example[.]com", TIX_OBS_EMAIL, "john@example.com");
    identify_is("D41D8CD98F00B204E9800998ECF8427E", TIX_OBS_MD5,
                "d41d8cd98f00b204e9800998ecf8427e");
    identify_is("da39a3ee5e6b4b0d3255bfef95601890afd80709", TIX_OBS_SHA1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    identify_is("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                TIX_OBS_SHA256,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    identify_is("cve-2021-44228", TIX_OBS_CVE, "CVE-2021-44228");
    identify_is("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", TIX_OBS_BTC,
                "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");

    identify_bad("");
    identify_bad("   ");
    identify_bad("hello world");
    identify_bad("setup.exe");
    identify_bad("1.2.3.4 and more"); /* not the whole value */
    identify_bad("x1.2.3.4");
    identify_bad("256.1.1.1");
}

/* A fully qualified name typed with its root dot: tix_obs_canon() accepts
 * it for a domain (and drops the dot), and identify "tries each type". */
static void test_identify_trailing_dot(void **state)
{
    (void)state;
    identify_is("example.com.", TIX_OBS_DOMAIN, "example.com");
}

/* ---- STIX ids --------------------------------------------------------- */

static bool is_hex_lower(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* id is "<prefix>--xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx". */
static void assert_stix_id_format(const char *id, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(id, prefix, pl) != 0 || strncmp(id + pl, "--", 2) != 0)
        fail_msg("id '%s' does not start with '%s--'", id, prefix);
    const char *u = id + pl + 2;
    if (strlen(u) != 36)
        fail_msg("id '%s': uuid part is %zu chars", id, strlen(u));
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                fail_msg("id '%s': no dash at %d", id, i);
        } else if (!is_hex_lower(u[i])) {
            fail_msg("id '%s': '%c' at %d is not lower-case hex", id, u[i], i);
        }
    }
    if (u[14] != '5')
        fail_msg("id '%s' is not a version 5 UUID", id);
    if (strchr("89ab", u[19]) == NULL)
        fail_msg("id '%s' is not an RFC 4122 variant UUID", id);
}

static void stix_id(tix_obs_type t, const char *v, char out[TIX_STIX_ID_MAX])
{
    tix_diag d = TIX_DIAG_INIT;
    memset(out, 'Z', TIX_STIX_ID_MAX);
    tix_err rc = tix_obs_stix_id(t, v, strlen(v), out, &d);
    if (rc != TIX_EOK)
        fail_msg("stix id of %s '%s': rc %d (%s)", tix_obs_name(t), v, (int)rc, d.msg);
    assert_non_null(memchr(out, '\0', TIX_STIX_ID_MAX));
}

static void test_stix_id_format(void **state)
{
    (void)state;
    static const struct {
        tix_obs_type t;
        const char *v, *prefix;
    } cases[] = {
        {TIX_OBS_IPV4, "1.2.3.4", "ipv4-addr"},
        {TIX_OBS_IPV6, "2001:db8::1", "ipv6-addr"},
        {TIX_OBS_DOMAIN, "example.com", "domain-name"},
        {TIX_OBS_URL, "http://example.com/", "url"},
        {TIX_OBS_EMAIL, "john@example.com", "email-addr"},
        {TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e", "file"},
        {TIX_OBS_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "file"},
        {TIX_OBS_SHA256,
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "file"},
        {TIX_OBS_SHA512,
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
         "file"},
        {TIX_OBS_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "cryptocurrency-wallet"},
        {TIX_OBS_XMR,
         "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uN"
         "br2VBBEt7f2wfn3RVGQBEP3A",
         "cryptocurrency-wallet"},
        {TIX_OBS_CVE, "CVE-2021-44228", "vulnerability"},
    };
    char ids[sizeof cases / sizeof cases[0]][TIX_STIX_ID_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stix_id(cases[i].t, cases[i].v, ids[i]);
        assert_stix_id_format(ids[i], cases[i].prefix);
        /* deterministic */
        char again[TIX_STIX_ID_MAX];
        stix_id(cases[i].t, cases[i].v, again);
        assert_string_equal(ids[i], again);
        /* the uuids all differ */
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(strstr(ids[i], "--"), strstr(ids[j], "--"));
    }
}

static void test_stix_id_depends_on_value_and_type(void **state)
{
    (void)state;
    char a[TIX_STIX_ID_MAX], b[TIX_STIX_ID_MAX];
    stix_id(TIX_OBS_DOMAIN, "example.com", a);
    stix_id(TIX_OBS_DOMAIN, "example.org", b);
    assert_string_not_equal(a, b);
    /* hashes are keyed by algorithm: the same hex under MD5 and SHA-1
     * gives different ids */
    stix_id(TIX_OBS_MD5, "0123456789abcdef0123456789abcdef", a);
    assert_stix_id_format(a, "file");
    stix_id(TIX_OBS_SHA1, "0123456789abcdef0123456789abcdef", b);
    assert_stix_id_format(b, "file");
    assert_string_not_equal(a, b);
    /* a hash id is not the id of {"value": hex} */
    stix_id(TIX_OBS_DOMAIN, "0123456789abcdef0123456789abcdef", b);
    assert_string_not_equal(strstr(a, "--"), strstr(b, "--"));
    /* value-keyed types hash {"value": v}: the same v gives the same uuid
     * under different object types */
    stix_id(TIX_OBS_DOMAIN, "example.com", a);
    stix_id(TIX_OBS_IPV4, "example.com", b);
    assert_string_equal(strstr(a, "--"), strstr(b, "--"));
    /* but cve hashes {"name": v} */
    stix_id(TIX_OBS_CVE, "CVE-2021-44228", a);
    stix_id(TIX_OBS_DOMAIN, "CVE-2021-44228", b);
    assert_string_not_equal(strstr(a, "--"), strstr(b, "--"));

    tix_diag d = TIX_DIAG_INIT;
    char out[TIX_STIX_ID_MAX];
    assert_int_equal(tix_obs_stix_id(TIX_OBS_COUNT, "x", 1, out, &d), TIX_EINVAL);
    assert_int_equal(d.code, TIX_EINVAL);
}

static void test_uuid5(void **state)
{
    (void)state;
    /* Python's documentation: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') */
    static const uint8_t ns_dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    uint8_t u[16];
    char s[37];
    assert_int_equal(tix_uuid5(ns_dns, "python.org", 10, u), TIX_EOK);
    tix_uuid_format(u, s);
    assert_string_equal(s, "886313e1-3b8a-5372-9b90-0c9aee199e5d");

    /* a name longer than any small internal buffer */
    char big[2000];
    memset(big, 'n', sizeof big);
    assert_int_equal(tix_uuid5(ns_dns, big, sizeof big, u), TIX_EOK);
    tix_uuid_format(u, s);
    assert_int_equal(strlen(s), 36);
    assert_int_equal(s[14], '5');
}

static void test_asn(void **state)
{
    (void)state;
    struct { const char *in, *want; } ok[] = {
        {"AS13335", "AS13335"}, {"ASN9009", "AS9009"}, {"as15169", "AS15169"},
        {"AS4294967295", "AS4294967295"}, {"AS1", "AS1"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        tix_buf b = TIX_BUF_INIT(0);
        assert_int_equal(tix_obs_canon(TIX_OBS_ASN, ok[i].in, strlen(ok[i].in), &b, NULL),
                         TIX_EOK);
        assert_string_equal(b.p, ok[i].want);
        tix_buf_free(&b);
    }
    const char *bad[] = {"AS0", "AS4294967296", "AS012", "AS", "ASN", "AS12a",
                         "13335", "AX13335", "AS 13335"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tix_buf b = TIX_BUF_INIT(0);
        assert_int_equal(tix_obs_canon(TIX_OBS_ASN, bad[i], strlen(bad[i]), &b, NULL),
                         TIX_EPARSE);
        assert_int_equal(b.len, 0);
        tix_buf_free(&b);
    }
    /* the STIX id hashes {"number":13335}: computed with Python's uuid5 */
    char id[TIX_STIX_ID_MAX];
    assert_int_equal(tix_obs_stix_id(TIX_OBS_ASN, "AS13335", 7, id, NULL), TIX_EOK);
    assert_string_equal(id, "autonomous-system--0204c07d-e4dd-5f14-a3d5-c93cb1c5a9fc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asn),
        cmocka_unit_test(test_canon_appends),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6_rfc5952),
        cmocka_unit_test(test_ipv6_bad),
        cmocka_unit_test(test_domain),
        cmocka_unit_test(test_domain_bad),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_url_bad),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_hashes),
        cmocka_unit_test(test_btc_xmr),
        cmocka_unit_test(test_cve),
        cmocka_unit_test(test_cve_long_sequence),
        cmocka_unit_test(test_canon_bad_type),
        cmocka_unit_test(test_parse_types),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_identify_trailing_dot),
        cmocka_unit_test(test_stix_id_format),
        cmocka_unit_test(test_stix_id_depends_on_value_and_type),
        cmocka_unit_test(test_uuid5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
