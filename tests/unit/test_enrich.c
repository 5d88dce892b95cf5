/* test_enrich.c - geolocation from MaxMind DB files of every layout (built
 * at test time by tests/fixtures/mmdb/make-mmdb.pl) and from Debian's
 * legacy GeoIP databases, registered domains, constituencies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tix/enrich.h"

/* ---- fixtures ----------------------------------------------------------- */

static char fixdir[64];     /* temp dir with the generated databases */
static const char *no_fixtures; /* why the MMDB tests are skipped */

static const char *fix(const char *name)
{
    static char path[8][128];
    static unsigned k;
    char *p = path[k++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", fixdir, name);
    return p;
}

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static int setup_fixtures(void **state)
{
    (void)state;
    snprintf(fixdir, sizeof fixdir, "/tmp/tix-enrich-XXXXXX");
    if (mkdtemp(fixdir) == NULL)
        return -1;
    if (system("perl -MMaxMind::DB::Writer::Tree -e 1 >/dev/null 2>&1") != 0) {
        no_fixtures = "perl or MaxMind::DB::Writer (libmaxmind-db-writer-perl) missing";
        return 0;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "perl '%s/tests/fixtures/mmdb/make-mmdb.pl' '%s'",
             TIX_SOURCE_DIR, fixdir);
    if (system(cmd) != 0)
        return -1; /* the script is ours: a failure is a test failure */
    return 0;
}

static int teardown_fixtures(void **state)
{
    (void)state;
    static const char *const files[] = {"country.mmdb", "asn.mmdb", "ipinfo-lite.mmdb",
                                        "ipinfo-country-asn.mmdb", "notes.txt", "empty.mmdb",
                                        "const.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(fix(files[i]));
    rmdir(fix("nolegacy"));
    rmdir(fixdir);
    return 0;
}

#define NEED_FIXTURES()                                        \
    do {                                                       \
        if (no_fixtures) {                                     \
            print_message("skipped: %s\n", no_fixtures);       \
            skip();                                            \
        }                                                      \
    } while (0)

static tix_geo *open_geo(const char *a, const char *b, const char *c)
{
    const char *files[3];
    size_t n = 0;
    if (a)
        files[n++] = fix(a);
    if (b)
        files[n++] = fix(b);
    if (c)
        files[n++] = fix(c);
    tix_geo *g = NULL;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_geo_open(&g, files, n, NULL, &d);
    if (e != TIX_EOK)
        fail_msg("tix_geo_open: %s", d.msg);
    return g;
}

static void expect(tix_geo *g, const char *ip, const char *country, uint32_t asn,
                   const char *as_name)
{
    tix_geo_info gi;
    memset(&gi, 0x5a, sizeof gi); /* every field must be written */
    tix_diag d = TIX_DIAG_INIT;
    if (tix_geo_lookup(g, ip, &gi, &d) != TIX_EOK)
        fail_msg("%s: %s", ip, d.msg);
    if (strcmp(gi.country, country) != 0 || gi.asn != asn || strcmp(gi.as_name, as_name) != 0)
        fail_msg("%s: got '%s' %u '%s', expected '%s' %u '%s'", ip, gi.country, gi.asn,
                 gi.as_name, country, asn, as_name);
}

/* ---- MMDB layouts --------------------------------------------------------- */

static void test_geo_country_layout(void **state)
{
    (void)state;
    NEED_FIXTURES();
    tix_geo *g = open_geo("country.mmdb", NULL, NULL);
    assert_string_equal(tix_geo_describe(g), "country.mmdb");
    expect(g, "192.0.2.1", "DE", 0, "");
    expect(g, "198.51.100.255", "FR", 0, "");
    expect(g, "203.0.113.9", "NL", 0, "");  /* registered_country only */
    expect(g, "100.127.255.1", "CH", 0, "");
    expect(g, "2001:db8::1", "JP", 0, "");
    expect(g, "2001:db8:1::42", "SE", 0, ""); /* the longer network */
    expect(g, "2001:db8:2::1", "JP", 0, "");
    expect(g, "::ffff:198.51.100.3", "FR", 0, "");
    expect(g, "8.8.8.8", "", 0, "");
    expect(g, "2a00:1450::1", "", 0, "");
    tix_geo_free(g);
}

static void test_geo_asn_layout(void **state)
{
    (void)state;
    NEED_FIXTURES();
    tix_geo *g = open_geo("asn.mmdb", NULL, NULL);
    expect(g, "192.0.2.1", "", 64500, "Example Hosting Ltd");
    expect(g, "198.51.100.7", "", 64501, "Documentation Networks");
    expect(g, "2001:db8:ffff::1", "", 64502, "Example IPv6 Transit");
    expect(g, "203.0.113.9", "", 0, "");

    /* A name longer than as_name is cut at a character boundary. */
    char full[512] = "";
    for (int i = 0; i < 8; i++)
        strcat(full, "Soci\xc3\xa9t\xc3\xa9 \xc3\xa9l\xc3\xa9gante ");
    tix_geo_info gi;
    assert_int_equal(tix_geo_lookup(g, "100.64.0.1", &gi, NULL), TIX_EOK);
    assert_int_equal(gi.asn, 64503);
    size_t n = strlen(gi.as_name);
    assert_true(n <= 127 && n >= 124);
    assert_memory_equal(gi.as_name, full, n);
    assert_true(((unsigned char)full[n] & 0xC0) != 0x80);
    tix_geo_free(g);
}

static void test_geo_ipinfo_lite(void **state)
{
    (void)state;
    NEED_FIXTURES();
    tix_geo *g = open_geo("ipinfo-lite.mmdb", NULL, NULL);
    /* "country" holds the name there; the code is country_code */
    expect(g, "192.0.2.1", "PL", 64510, "IPinfo Example One");
    expect(g, "203.0.113.200", "BR", 64511, "IPinfo Example Two");
    expect(g, "198.19.255.255", "CA", 64513, "Benchmark Networks");
    expect(g, "2001:db8::1", "AU", 64512, "IPinfo Example Six");
    expect(g, "198.51.100.1", "", 0, "");
    tix_geo_free(g);
}

static void test_geo_ipinfo_free_ipv4_only(void **state)
{
    (void)state;
    NEED_FIXTURES();
    tix_geo *g = open_geo("ipinfo-country-asn.mmdb", NULL, NULL);
    /* "country" is the code itself there */
    expect(g, "192.0.2.1", "IT", 64520, "Esempio Rete");
    expect(g, "198.51.100.1", "ES", 64521, "Red de Ejemplo");
    /* an IPv4-only file knows nothing of IPv6; no error */
    expect(g, "2001:db8::1", "", 0, "");
    /* an IPv4-mapped IPv6 address is looked up as the IPv4 address */
    expect(g, "::ffff:192.0.2.1", "IT", 64520, "Esempio Rete");
    tix_geo_free(g);
}

static void test_geo_priority(void **state)
{
    (void)state;
    NEED_FIXTURES();
    tix_geo *g = open_geo("country.mmdb", "asn.mmdb", "ipinfo-lite.mmdb");
    assert_string_equal(tix_geo_describe(g), "country.mmdb + asn.mmdb + ipinfo-lite.mmdb");
    expect(g, "192.0.2.1", "DE", 64500, "Example Hosting Ltd");
    /* asn.mmdb has no 203.0.113/24: the ASN comes from the third file */
    expect(g, "203.0.113.9", "NL", 64511, "IPinfo Example Two");
    /* only the third file knows 198.18/15 */
    expect(g, "198.18.0.1", "CA", 64513, "Benchmark Networks");
    expect(g, "2001:db8:1::1", "SE", 64502, "Example IPv6 Transit");
    tix_geo_free(g);

    g = open_geo("ipinfo-lite.mmdb", "country.mmdb", "asn.mmdb");
    assert_string_equal(tix_geo_describe(g), "ipinfo-lite.mmdb + country.mmdb + asn.mmdb");
    expect(g, "192.0.2.1", "PL", 64510, "IPinfo Example One");
    expect(g, "198.51.100.7", "FR", 64501, "Documentation Networks");
    expect(g, "2001:db8:1::1", "AU", 64512, "IPinfo Example Six");
    tix_geo_free(g);

    /* IPv4 in an IPv6 tree and an IPv4-only file together */
    g = open_geo("ipinfo-country-asn.mmdb", "asn.mmdb", NULL);
    expect(g, "192.0.2.1", "IT", 64520, "Esempio Rete");
    expect(g, "2001:db8::1", "", 64502, "Example IPv6 Transit");
    tix_geo_free(g);
}

static void test_geo_not_mmdb(void **state)
{
    (void)state;
    NEED_FIXTURES();
    const char *notes = fix("notes.txt");
    write_file(notes, "192.0.2.1 is not a database\n", 28);
    const char *empty = fix("empty.mmdb");
    write_file(empty, "", 0);
    char want[512];

    const char *files[] = {fix("country.mmdb"), notes};
    tix_geo *g = (tix_geo *)(uintptr_t)1;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_geo_open(&g, files, 2, NULL, &d), TIX_EPARSE);
    assert_null(g);
    snprintf(want, sizeof want,
             "%s: not a MaxMind DB file (The MaxMind DB file contains invalid metadata)",
             notes);
    assert_string_equal(d.msg, want);

    tix_diag_clear(&d);
    assert_int_equal(tix_geo_open(&g, &empty, 1, NULL, &d), TIX_EPARSE);
    assert_null(g);
    snprintf(want, sizeof want,
             "%s: not a MaxMind DB file (The MaxMind DB file contains invalid metadata)",
             empty);
    assert_string_equal(d.msg, want);

    const char *missing = fix("GeoLite2-City.mmdb");
    tix_diag_clear(&d);
    assert_int_equal(tix_geo_open(&g, &missing, 1, NULL, &d), TIX_ENOTFOUND);
    assert_null(g);
    snprintf(want, sizeof want, "%s: No such file or directory", missing);
    assert_string_equal(d.msg, want);

    const char *dir = fixdir;
    tix_diag_clear(&d);
    assert_int_equal(tix_geo_open(&g, &dir, 1, NULL, &d), TIX_EINVAL);
    snprintf(want, sizeof want, "%s: is a directory", fixdir);
    assert_string_equal(d.msg, want);
}

static void test_geo_bad_ip(void **state)
{
    (void)state;
    tix_geo *g = NULL;
    assert_int_equal(tix_geo_open(&g, NULL, 0, NULL, NULL), TIX_EOK);
    tix_geo_info gi;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_geo_lookup(g, "192.0.2.256", &gi, &d), TIX_EINVAL);
    assert_string_equal(d.msg, "'192.0.2.256' is not an IP address");
    assert_string_equal(gi.country, "");
    assert_int_equal(tix_geo_lookup(g, "evil.example", &gi, NULL), TIX_EINVAL);
    tix_geo_free(g);
    tix_geo_free(NULL);
}

/* ---- legacy GeoIP ------------------------------------------------------------ */

static void test_geo_legacy(void **state)
{
    (void)state;
    if (access("/usr/share/GeoIP/GeoIP.dat", R_OK) != 0) {
        print_message("skipped: /usr/share/GeoIP/GeoIP.dat (geoip-database) not installed\n");
        skip();
    }
    tix_geo *g = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_geo_open(&g, NULL, 0, NULL, &d), TIX_EOK);
    assert_string_equal(tix_geo_describe(g), "GeoIP.dat (Debian geoip-database, country only)");
    tix_geo_info gi;
    assert_int_equal(tix_geo_lookup(g, "8.8.8.8", &gi, &d), TIX_EOK);
    assert_int_equal(strlen(gi.country), 2);
    assert_true(gi.country[0] >= 'A' && gi.country[0] <= 'Z');
    assert_true(gi.country[1] >= 'A' && gi.country[1] <= 'Z');
    assert_int_equal(gi.asn, 0);
    assert_string_equal(gi.as_name, "");
    if (access("/usr/share/GeoIP/GeoIPv6.dat", R_OK) == 0) {
        assert_int_equal(tix_geo_lookup(g, "2001:4860:4860::8888", &gi, &d), TIX_EOK);
        assert_int_equal(strlen(gi.country), 2);
    }
    /* documentation addresses are nowhere */
    assert_int_equal(tix_geo_lookup(g, "192.0.2.1", &gi, &d), TIX_EOK);
    assert_string_equal(gi.country, "");
    tix_geo_free(g);
}

static void test_geo_nothing(void **state)
{
    (void)state;
    const char *dir = fix("nolegacy");
    assert_int_equal(mkdir(dir, 0700), 0);
    tix_geo *g = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_geo_open(&g, NULL, 0, dir, &d), TIX_EOK);
    assert_string_equal(tix_geo_describe(g), "no geolocation database");
    expect(g, "8.8.8.8", "", 0, "");
    expect(g, "2001:4860:4860::8888", "", 0, "");
    tix_geo_free(g);
}

/* ---- registered domains -------------------------------------------------- */

static void expect_reg(const char *name, const char *want)
{
    char out[256];
    size_t n = tix_registered_domain(name, strlen(name), out, sizeof out);
    if (want == NULL) {
        if (n != 0)
            fail_msg("%s: got '%s', expected none", name, out);
        return;
    }
    if (n != strlen(want) || strcmp(out, want) != 0)
        fail_msg("%s: got '%s' (%zu), expected '%s'", name, out, n, want);
}

static void test_registered_domain(void **state)
{
    (void)state;
    expect_reg("a.b.evil.co.uk", "evil.co.uk");
    expect_reg("www.example.com", "example.com");
    expect_reg("example.com", "example.com");
    expect_reg("co.uk", NULL);      /* a public suffix itself */
    expect_reg("com", NULL);
    expect_reg("uk", NULL);
    expect_reg("foo.notatld", NULL); /* unknown: no implicit "*" rule */
    expect_reg("", NULL);
    /* blogspot.com is in the private section: a user's name is its own */
    expect_reg("foo.blogspot.com", "foo.blogspot.com");
    expect_reg("a.foo.blogspot.com", "foo.blogspot.com");
    expect_reg("blogspot.com", NULL);
    expect_reg("www.example.com.", "example.com");
    expect_reg("WWW.Example.COM", "example.com");
    expect_reg("xn--80ak6aa92e.com", "xn--80ak6aa92e.com");
    expect_reg("a.b.c.kawasaki.jp", "b.c.kawasaki.jp"); /* *.kawasaki.jp */

    /* the length is returned even when out is too small */
    char small[4] = "xyz";
    assert_int_equal(tix_registered_domain("www.example.com", 15, small, sizeof small), 11);
    assert_string_equal(small, "");
    assert_int_equal(tix_registered_domain("www.example.com", 15, NULL, 0), 11);
    /* n, not the NUL, ends the name */
    char out[64];
    assert_int_equal(tix_registered_domain("a.evil.co.uk.junk", 12, out, sizeof out), 10);
    assert_string_equal(out, "evil.co.uk");
}

/* ---- constituencies ------------------------------------------------------ */

static tix_constituencies *parse_ok(const char *csv)
{
    tix_constituencies *c = NULL;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_constituencies_parse(csv, strlen(csv), "const.csv", &c, &d) != TIX_EOK)
        fail_msg("parse: %s", d.msg);
    return c;
}

static const char demo_csv[] =
    "# who answers for what\n"
    "match,name,country,email,kind\n"
    "192.0.2.0/24,CERT-Demoland,DL,cert@cert.example,cert\n"
    "192.0.2.128/25,Example Hosting abuse desk,DL,abuse@hoster.example,hoster\n"
    "192.0.2.200,Single host owner,DL,owner@host.example,hoster\n"
    "\n"
    "AS64500,Example Transit abuse,DL,abuse@transit.example,hoster\n"
    "64501,Other Transit,FR,noc@other.example,hoster\n"
    "DL,Demoland Police Cybercrime Unit,DL,cyber@police.example,police\n"
    "fr,CERT-FR,FR,cert@cert-fr.example,cert\n"
    "2001:db8::/32,CERT-Six,JP,six@cert.example,cert\n"
    "2001:DB8:1:0::/48,Six Hosting,JP,abuse@six.example,hoster\n";

static const char *find_name(const tix_constituencies *c, const char *ip, uint32_t asn,
                             const char *country)
{
    const tix_constituency *r = tix_constituency_find(c, ip, asn, country);
    return r ? r->name : "(none)";
}

static void test_const_find(void **state)
{
    (void)state;
    tix_constituencies *c = parse_ok(demo_csv);
    assert_int_equal(tix_constituencies_count(c), 9);
    /* nested CIDRs: the longest wins */
    assert_string_equal(find_name(c, "192.0.2.1", 64500, "DL"), "CERT-Demoland");
    assert_string_equal(find_name(c, "192.0.2.129", 64500, "DL"), "Example Hosting abuse desk");
    assert_string_equal(find_name(c, "192.0.2.200", 0, NULL), "Single host owner");
    assert_string_equal(find_name(c, "192.0.2.201", 0, NULL), "Example Hosting abuse desk");
    /* no CIDR: the ASN, then the country */
    assert_string_equal(find_name(c, "198.51.100.1", 64500, "DL"), "Example Transit abuse");
    assert_string_equal(find_name(c, "198.51.100.1", 64501, "DL"), "Other Transit");
    assert_string_equal(find_name(c, "198.51.100.1", 64999, "DL"), "Demoland Police Cybercrime Unit");
    assert_string_equal(find_name(c, "198.51.100.1", 0, "dl"), "Demoland Police Cybercrime Unit");
    assert_string_equal(find_name(c, "198.51.100.1", 0, "FR"), "CERT-FR");
    assert_string_equal(find_name(c, "198.51.100.1", 0, "DE"), "(none)");
    assert_string_equal(find_name(c, "198.51.100.1", 0, ""), "(none)");
    assert_string_equal(find_name(c, "198.51.100.1", 0, NULL), "(none)");
    assert_string_equal(find_name(c, "198.51.100.1", 0, "DLX"), "(none)");
    assert_string_equal(find_name(c, NULL, 64501, NULL), "Other Transit");
    assert_string_equal(find_name(c, "", 0, "fr"), "CERT-FR");
    /* IPv6 */
    assert_string_equal(find_name(c, "2001:db8::1", 0, NULL), "CERT-Six");
    assert_string_equal(find_name(c, "2001:db8:1::1", 0, NULL), "Six Hosting");
    assert_string_equal(find_name(c, "2001:db8:2::1", 64500, NULL), "CERT-Six");
    assert_string_equal(find_name(c, "2001:db9::1", 64500, NULL), "Example Transit abuse");
    /* an IPv4 address is not in an IPv6 prefix, nor the reverse */
    assert_string_equal(find_name(c, "::ffff:192.0.2.1", 0, NULL), "(none)");

    const tix_constituency *r = tix_constituency_find(c, "192.0.2.129", 0, NULL);
    assert_non_null(r);
    assert_int_equal(r->by, TIX_CONST_CIDR);
    assert_string_equal(r->match, "192.0.2.128/25");
    assert_string_equal(r->country, "DL");
    assert_string_equal(r->email, "abuse@hoster.example");
    assert_string_equal(r->kind, "hoster");
    assert_int_equal(r->line, 4);
    tix_constituencies_free(c);
}

static void test_const_canonical(void **state)
{
    (void)state;
    /* columns in any order and case, extra ones, CRLF, quotes, a BOM */
    tix_constituencies *c = parse_ok(
        "\xEF\xBB\xBF" "Kind , EMAIL,notes,Match,Name,country\r\n"
        "CERT,cert@a.example,\"first, with comma\",192.0.2.77/24,\"CERT \"\"A\"\"\",dl\r\n"
        "police,p@b.example,,as64500,Police B,de\r\n"
        "hoster,h@c.example,,64501,Hoster C,NL\r\n"
        "cert,c@d.example,,198.51.100.7,Host D,NL\r\n"
        "cert,c@e.example,,2001:0DB8:0000::0/32,Six E,NL\r\n"
        "cert,c@f.example,,2001:db8::1,Six F,NL\r\n"
        "police,  p@g.example ,, fr , Police G ,FR\r\n");
    assert_int_equal(tix_constituencies_count(c), 7);
    static const struct {
        tix_const_match by;
        const char *match, *name, *country, *email, *kind;
        uint64_t line;
    } want[] = {
        {TIX_CONST_CIDR, "192.0.2.0/24", "CERT \"A\"", "DL", "cert@a.example", "cert", 2},
        {TIX_CONST_ASN, "AS64500", "Police B", "DE", "p@b.example", "police", 3},
        {TIX_CONST_ASN, "AS64501", "Hoster C", "NL", "h@c.example", "hoster", 4},
        {TIX_CONST_CIDR, "198.51.100.7/32", "Host D", "NL", "c@d.example", "cert", 5},
        {TIX_CONST_CIDR, "2001:db8::/32", "Six E", "NL", "c@e.example", "cert", 6},
        {TIX_CONST_CIDR, "2001:db8::1/128", "Six F", "NL", "c@f.example", "cert", 7},
        {TIX_CONST_COUNTRY, "FR", "Police G", "FR", "p@g.example", "police", 8},
    };
    for (size_t i = 0; i < 7; i++) {
        const tix_constituency *r = tix_constituencies_at(c, i);
        assert_non_null(r);
        assert_int_equal(r->by, want[i].by);
        assert_string_equal(r->match, want[i].match);
        assert_string_equal(r->name, want[i].name);
        assert_string_equal(r->country, want[i].country);
        assert_string_equal(r->email, want[i].email);
        assert_string_equal(r->kind, want[i].kind);
        assert_int_equal(r->line, want[i].line);
    }
    assert_null(tix_constituencies_at(c, 7));
    assert_string_equal(find_name(c, "198.51.100.7", 0, NULL), "Host D");
    assert_string_equal(find_name(c, "198.51.100.8", 0, NULL), "(none)");
    tix_constituencies_free(c);

    /* a header and nothing else is an empty list */
    c = parse_ok("match,name,country,email,kind\n# none yet\n");
    assert_int_equal(tix_constituencies_count(c), 0);
    assert_null(tix_constituency_find(c, "192.0.2.1", 64500, "DE"));
    tix_constituencies_free(c);
    assert_null(tix_constituency_find(NULL, "192.0.2.1", 1, "DE"));
    assert_int_equal(tix_constituencies_count(NULL), 0);
    tix_constituencies_free(NULL);
}

#define HDR "match,name,country,email,kind\n"
#define OK1 "192.0.2.0/24,CERT-Demoland,DL,cert@cert.example,cert\n"

static void test_const_errors(void **state)
{
    (void)state;
    static const struct {
        const char *csv, *msg;
    } cases[] = {
        {"", "const.csv: no header row (match,name,country,email,kind)"},
        {"# only a comment\n\n", "const.csv: no header row (match,name,country,email,kind)"},
        {"match,name,country,kind\n" OK1,
         "const.csv:1: the header has no 'email' column (it needs match, name, country, "
         "email and kind)"},
        {OK1, "const.csv:1: the header has no 'match' column (it needs match, name, country, "
              "email and kind)"},
        {"match,name,Name,country,email,kind\n",
         "const.csv:1: the header names column 'name' twice"},
        {HDR OK1 "# c\n192.0.2.0/24,CERT,DL,cert@cert.example\n",
         "const.csv:4: 4 fields, the header has 5"},
        {HDR "192.0.2.0/24,CERT,DL,cert@cert.example,cert,extra\n",
         "const.csv:2: 6 fields, the header has 5"},
        {HDR OK1 "AS2,B,DL,b@b.example,hoster\nAS1,A,DL,a@b.example,cops\n",
         "const.csv:4: kind must be cert, police or hoster, not 'cops'"},
        {HDR "AS1,A,DL,a@b.example,\n",
         "const.csv:2: kind must be cert, police or hoster, not ''"},
        {HDR ",A,DL,a@b.example,cert\n", "const.csv:2: match is empty"},
        {HDR "192.0.2.0/33,A,DL,a@b.example,cert\n",
         "const.csv:2: match '192.0.2.0/33' is not a valid CIDR or IP address"},
        {HDR "192.0.2/24,A,DL,a@b.example,cert\n",
         "const.csv:2: match '192.0.2/24' is not a valid CIDR or IP address"},
        {HDR "2001:db8::/129,A,DL,a@b.example,cert\n",
         "const.csv:2: match '2001:db8::/129' is not a valid CIDR or IP address"},
        {HDR "evil.example,A,DL,a@b.example,cert\n",
         "const.csv:2: match 'evil.example' is not a valid CIDR or IP address"},
        {HDR "AS0,A,DL,a@b.example,cert\n",
         "const.csv:2: ASN must be 1 to 4294967295, not 'AS0'"},
        {HDR "4294967296,A,DL,a@b.example,cert\n",
         "const.csv:2: ASN must be 1 to 4294967295, not '4294967296'"},
        {HDR "DEU,A,DL,a@b.example,cert\n",
         "const.csv:2: match must be a CIDR, an IP address, an ASN or a country code, not 'DEU'"},
        {HDR "AS64500x,A,DL,a@b.example,cert\n",
         "const.csv:2: match must be a CIDR, an IP address, an ASN or a country code, not "
         "'AS64500x'"},
        {HDR "D1,A,DL,a@b.example,cert\n",
         "const.csv:2: match must be a CIDR, an IP address, an ASN or a country code, not 'D1'"},
        {HDR "AS1,,DL,a@b.example,cert\n", "const.csv:2: name is empty"},
        {HDR "AS1,\"two\nlines\",DL,a@b.example,cert\n",
         "const.csv:2: name must not contain control characters"},
        {HDR "AS1,A,,a@b.example,cert\n", "const.csv:2: country must be two letters, not ''"},
        {HDR "AS1,A,DEU,a@b.example,cert\n",
         "const.csv:2: country must be two letters, not 'DEU'"},
        {HDR "AS1,A,D1,a@b.example,cert\n", "const.csv:2: country must be two letters, not 'D1'"},
        {HDR "AS1,A,DL,ab.example,cert\n",
         "const.csv:2: email must be an address like abuse@example.org, not 'ab.example'"},
        {HDR "AS1,A,DL,a@b@c.example,cert\n",
         "const.csv:2: email must be an address like abuse@example.org, not 'a@b@c.example'"},
        {HDR "AS1,A,DL,@b.example,cert\n",
         "const.csv:2: email must be an address like abuse@example.org, not '@b.example'"},
        {HDR "AS1,A,DL,a@,cert\n",
         "const.csv:2: email must be an address like abuse@example.org, not 'a@'"},
        {HDR "AS1,A,DL,a b@c.example,cert\n",
         "const.csv:2: email must be an address like abuse@example.org, not 'a b@c.example'"},
        {HDR "AS1,A,DL,,cert\n",
         "const.csv:2: email must be an address like abuse@example.org, not ''"},
        {HDR OK1 "AS1,\"unterminated,DL,a@b.example,cert\n",
         "const.csv:3: unterminated quoted field"},
        /* the first error in the file is the one reported */
        {HDR "AS1,A,DL,a@b.example,cops\nAS2,B,DL,bad,cert\n",
         "const.csv:2: kind must be cert, police or hoster, not 'cops'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tix_constituencies *c = (tix_constituencies *)(uintptr_t)1;
        tix_diag d = TIX_DIAG_INIT;
        tix_err e = tix_constituencies_parse(cases[i].csv, strlen(cases[i].csv), "const.csv",
                                             &c, &d);
        if (e != TIX_EPARSE || c != NULL || strcmp(d.msg, cases[i].msg) != 0)
            fail_msg("case %zu: rc %d, got '%s', expected '%s'", i, e, d.msg, cases[i].msg);
    }
}

static void test_const_duplicates(void **state)
{
    (void)state;
    static const struct {
        const char *csv, *msg;
    } cases[] = {
        {HDR OK1 "AS1,A,DL,a@b.example,cert\n" OK1,
         "const.csv:4: duplicate match '192.0.2.0/24', already on line 2"},
        /* the same network however it is written */
        {HDR OK1 "192.0.2.99/24,A,DL,a@b.example,cert\n",
         "const.csv:3: duplicate match '192.0.2.0/24', already on line 2"},
        {HDR "2001:db8::/32,A,DL,a@b.example,cert\n"
             "2001:0db8:0:0::/32,B,DL,a@b.example,cert\n",
         "const.csv:3: duplicate match '2001:db8::/32', already on line 2"},
        {HDR "192.0.2.1,A,DL,a@b.example,cert\n192.0.2.1/32,B,DL,a@b.example,cert\n",
         "const.csv:3: duplicate match '192.0.2.1/32', already on line 2"},
        {HDR "AS64500,A,DL,a@b.example,cert\n# x\n\n64500,B,DL,a@b.example,cert\n",
         "const.csv:5: duplicate match 'AS64500', already on line 2"},
        {HDR "de,A,DE,a@b.example,police\nDE,B,DE,a@b.example,police\n",
         "const.csv:3: duplicate match 'DE', already on line 2"},
        /* a duplicate before a malformed row is the first error */
        {HDR "AS7,A,DL,a@b.example,cert\nas7,B,DL,a@b.example,cert\nAS8,C,DL,x,cert\n",
         "const.csv:3: duplicate match 'AS7', already on line 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tix_constituencies *c = NULL;
        tix_diag d = TIX_DIAG_INIT;
        tix_err e = tix_constituencies_parse(cases[i].csv, strlen(cases[i].csv), "const.csv",
                                             &c, &d);
        if (e != TIX_EPARSE || c != NULL || strcmp(d.msg, cases[i].msg) != 0)
            fail_msg("case %zu: rc %d, got '%s', expected '%s'", i, e, d.msg, cases[i].msg);
    }
    /* the same network with another length, an AS and the country AS
     * (American Samoa) are different keys */
    tix_constituencies *c = parse_ok(HDR OK1 "192.0.2.0/23,A,DL,a@b.example,cert\n"
                                         "AS,Samoa,AS,a@b.example,police\n"
                                         "AS1,One,AS,a@b.example,hoster\n");
    assert_int_equal(tix_constituencies_count(c), 4);
    assert_int_equal(tix_constituencies_at(c, 2)->by, TIX_CONST_COUNTRY);
    assert_string_equal(find_name(c, "198.51.100.1", 0, "as"), "Samoa");
    tix_constituencies_free(c);
}

static void test_const_many(void **state)
{
    (void)state;
    /* enough rows to grow every table */
    size_t cap = 64 * 5000;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t n = (size_t)snprintf(csv, cap, "%s", HDR);
    for (unsigned i = 0; i < 2000; i++)
        n += (size_t)snprintf(csv + n, cap - n, "10.%u.%u.0/24,Net %u,DL,a@b.example,hoster\n",
                              i / 256, i % 256, i);
    for (unsigned i = 0; i < 2000; i++)
        n += (size_t)snprintf(csv + n, cap - n, "AS%u,AS %u,DL,a@b.example,hoster\n",
                              100000 - i, i);
    tix_constituencies *c = parse_ok(csv);
    assert_int_equal(tix_constituencies_count(c), 4000);
    assert_string_equal(find_name(c, "10.3.7.9", 0, NULL), "Net 775");
    assert_string_equal(find_name(c, "10.200.0.1", 99000, NULL), "AS 1000");
    assert_string_equal(find_name(c, "10.200.0.1", 98000, NULL), "(none)");
    assert_string_equal(find_name(c, "10.200.0.1", 98001, NULL), "AS 1999");
    tix_constituencies_free(c);
    free(csv);
}

static void test_const_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/tix-const-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/const.csv", dir);
    write_file(path, demo_csv, strlen(demo_csv));
    tix_constituencies *c = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_constituencies_read(path, &c, &d), TIX_EOK);
    assert_int_equal(tix_constituencies_count(c), 9);
    tix_constituencies_free(c);

    const char *bad = HDR "AS1,A,DL,a@b.example,cops\n";
    write_file(path, bad, strlen(bad));
    assert_int_equal(tix_constituencies_read(path, &c, &d), TIX_EPARSE);
    assert_null(c);
    char want[128];
    snprintf(want, sizeof want, "%s:2: kind must be cert, police or hoster, not 'cops'", path);
    assert_string_equal(d.msg, want);
    unlink(path);

    tix_diag_clear(&d);
    assert_int_equal(tix_constituencies_read(path, &c, &d), TIX_ENOTFOUND);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    assert_string_equal(d.msg, want);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_country_layout),
        cmocka_unit_test(test_geo_asn_layout),
        cmocka_unit_test(test_geo_ipinfo_lite),
        cmocka_unit_test(test_geo_ipinfo_free_ipv4_only),
        cmocka_unit_test(test_geo_priority),
        cmocka_unit_test(test_geo_not_mmdb),
        cmocka_unit_test(test_geo_bad_ip),
        cmocka_unit_test(test_geo_legacy),
        cmocka_unit_test(test_geo_nothing),
        cmocka_unit_test(test_registered_domain),
        cmocka_unit_test(test_const_find),
        cmocka_unit_test(test_const_canonical),
        cmocka_unit_test(test_const_errors),
        cmocka_unit_test(test_const_duplicates),
        cmocka_unit_test(test_const_many),
        cmocka_unit_test(test_const_read),
    };
    return cmocka_run_group_tests(tests, setup_fixtures, teardown_fixtures);
}
