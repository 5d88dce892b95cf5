/* test_buf.c - tix_buf (growth, cap, sticky error, escaping) and tix_diag. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tix/buf.h"
#include "tix/error.h"

/* The buffer holds exactly the n bytes of want, NUL-terminated. */
static void assert_buf(const tix_buf *b, const char *want, size_t n)
{
    assert_int_equal(b->len, n);
    assert_non_null(b->p);
    assert_true(b->cap > b->len);
    assert_memory_equal(b->p, want, n);
    assert_int_equal(b->p[n], '\0');
}

static void assert_buf_str(const tix_buf *b, const char *want)
{
    assert_buf(b, want, strlen(want));
}

/* ---- growth and NUL termination ---------------------------------------- */

static void test_init_empty(void **state)
{
    (void)state;
    tix_buf b;
    tix_buf_init(&b, 0);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.err, TIX_EOK);
    assert_int_equal(b.max, TIX_BUF_MAX_DEFAULT); /* 0 means the default */
    tix_buf_free(&b);
    assert_null(b.p);

    tix_buf c = TIX_BUF_INIT(100);
    assert_null(c.p);
    assert_int_equal(c.len, 0);
    assert_int_equal(c.max, 100);
    assert_int_equal(c.err, TIX_EOK);
    tix_buf_free(&c);
}

static void test_growth(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    char *want = malloc(100000);
    assert_non_null(want);
    size_t n = 0;
    /* many small appends through every entry point, checked after each */
    for (int i = 0; n + 64 < 100000; i++) {
        switch (i % 3) {
        case 0:
            tix_buf_addc(&b, (char)('a' + i % 26));
            want[n++] = (char)('a' + i % 26);
            break;
        case 1:
            tix_buf_adds(&b, "xyz");
            memcpy(want + n, "xyz", 3);
            n += 3;
            break;
        default: {
            char chunk[40];
            for (int k = 0; k < 40; k++)
                chunk[k] = (char)('A' + (i + k) % 26);
            tix_buf_add(&b, chunk, sizeof chunk);
            memcpy(want + n, chunk, sizeof chunk);
            n += sizeof chunk;
        }
        }
        assert_int_equal(b.err, TIX_EOK);
        assert_int_equal(b.len, n);
        assert_int_equal(b.p[b.len], '\0');
    }
    assert_buf(&b, want, n);
    free(want);
    tix_buf_free(&b);
}

static void test_add_zero_bytes(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_add(&b, "", 0);
    assert_int_equal(b.err, TIX_EOK);
    assert_int_equal(b.len, 0);
    if (b.p)
        assert_int_equal(b.p[0], '\0');
    tix_buf_adds(&b, "");
    assert_int_equal(b.len, 0);
    /* embedded NUL bytes are content */
    tix_buf_add(&b, "a\0b", 3);
    assert_buf(&b, "a\0b", 3);
    tix_buf_free(&b);
}

static void test_reserve(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    assert_int_equal(tix_buf_reserve(&b, 1000), 0);
    assert_non_null(b.p);
    assert_true(b.cap >= 1001); /* the bytes plus the NUL */
    assert_int_equal(b.len, 0);
    char *p = b.p;
    /* the room reserved is used without moving the memory */
    for (int i = 0; i < 1000; i++)
        tix_buf_addc(&b, 'q');
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.p[1000], '\0');
    tix_buf_free(&b);
}

/* ---- the cap and the sticky error -------------------------------------- */

static void test_cap_exact_fit(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(10);
    tix_buf_add(&b, "0123456789", 10);
    assert_int_equal(b.err, TIX_EOK);
    assert_buf_str(&b, "0123456789");
    /* one byte more is too much */
    tix_buf_addc(&b, 'x');
    assert_int_equal(b.err, TIX_ETOOBIG);
    assert_buf_str(&b, "0123456789");
    tix_buf_free(&b);
}

static void test_cap_sticky(void **state)
{
    (void)state;
    tix_buf b;
    tix_buf_init(&b, 16);
    tix_buf_adds(&b, "12345678");
    assert_int_equal(b.err, TIX_EOK);
    /* 8 + 9 > 16: refused as a whole, nothing of it appended */
    tix_buf_adds(&b, "abcdefghi");
    assert_int_equal(b.err, TIX_ETOOBIG);
    assert_buf_str(&b, "12345678");

    /* every later append is a no-op, even those that would fit */
    tix_buf_add(&b, "x", 1);
    tix_buf_addc(&b, 'y');
    tix_buf_adds(&b, "z");
    tix_buf_addf(&b, "%d", 7);
    tix_buf_add_u64(&b, 9);
    tix_buf_add_json(&b, "j", 1);
    tix_buf_add_csv(&b, "c", 1);
    assert_int_equal(tix_buf_reserve(&b, 1), -1);
    assert_int_equal(b.err, TIX_ETOOBIG);
    assert_buf_str(&b, "12345678");

    /* reset clears the error and the content */
    tix_buf_reset(&b);
    assert_int_equal(b.err, TIX_EOK);
    assert_int_equal(b.len, 0);
    tix_buf_adds(&b, "0123456789abcdef");
    assert_int_equal(b.err, TIX_EOK);
    assert_buf_str(&b, "0123456789abcdef");
    tix_buf_free(&b);
}

static void test_cap_addc_only(void **state)
{
    (void)state;
    /* addc has its own fast path: it must honour the cap too */
    tix_buf b = TIX_BUF_INIT(5);
    for (int i = 0; i < 20; i++)
        tix_buf_addc(&b, (char)('a' + i));
    assert_int_equal(b.err, TIX_ETOOBIG);
    assert_buf_str(&b, "abcde");
    tix_buf_free(&b);
}

static void test_cap_addf_long(void **state)
{
    (void)state;
    /* a formatted string longer than the internal 256-byte scratch that
     * does not fit the cap */
    char s[400];
    memset(s, 'w', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    tix_buf b = TIX_BUF_INIT(300);
    tix_buf_adds(&b, "head");
    tix_buf_addf(&b, "%s", s);
    assert_int_equal(b.err, TIX_ETOOBIG);
    assert_buf_str(&b, "head");
    tix_buf_free(&b);
}

static void test_cap_reserve_overflow(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "abc");
    /* a size that would overflow len + n + 1 */
    assert_int_equal(tix_buf_reserve(&b, SIZE_MAX), -1);
    assert_int_equal(b.err, TIX_ETOOBIG);
    assert_buf_str(&b, "abc");
    tix_buf_free(&b);
}

/* ---- addf -------------------------------------------------------------- */

static void test_addf(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_addf(&b, "%s=%d;%x", "k", -42, 255u);
    assert_buf_str(&b, "k=-42;ff");
    tix_buf_addf(&b, "%s", "");
    assert_buf_str(&b, "k=-42;ff");
    tix_buf_free(&b);
}

static void test_addf_long(void **state)
{
    (void)state;
    /* lengths around and far beyond 256 */
    static const size_t lens[] = {254, 255, 256, 257, 300, 1000, 70000};
    for (size_t t = 0; t < sizeof lens / sizeof lens[0]; t++) {
        size_t n = lens[t];
        char *s = malloc(n + 1);
        assert_non_null(s);
        for (size_t i = 0; i < n; i++)
            s[i] = (char)('a' + i % 26);
        s[n] = '\0';

        tix_buf b = TIX_BUF_INIT(0);
        tix_buf_adds(&b, "<<");
        tix_buf_addf(&b, "[%s|%zu]", s, n);
        assert_int_equal(b.err, TIX_EOK);

        char tail[32];
        int tl = snprintf(tail, sizeof tail, "|%zu]", n);
        size_t want_len = 2 + 1 + n + (size_t)tl;
        assert_int_equal(b.len, want_len);
        assert_memory_equal(b.p, "<<[", 3);
        assert_memory_equal(b.p + 3, s, n);
        assert_memory_equal(b.p + 3 + n, tail, (size_t)tl);
        assert_int_equal(b.p[b.len], '\0');

        /* appending after a long addf continues at the right place */
        tix_buf_addc(&b, '!');
        assert_int_equal(b.len, want_len + 1);
        assert_int_equal(b.p[want_len], '!');
        assert_int_equal(b.p[want_len + 1], '\0');
        tix_buf_free(&b);
        free(s);
    }
}

/* ---- add_u64 ----------------------------------------------------------- */

static void test_add_u64(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_add_u64(&b, 0);
    assert_buf_str(&b, "0");
    tix_buf_reset(&b);
    tix_buf_add_u64(&b, UINT64_MAX);
    assert_buf_str(&b, "18446744073709551615");
    tix_buf_reset(&b);
    tix_buf_add_u64(&b, 10);
    tix_buf_addc(&b, ',');
    tix_buf_add_u64(&b, 1234567890123ull);
    tix_buf_addc(&b, ',');
    tix_buf_add_u64(&b, (uint64_t)1 << 32);
    assert_buf_str(&b, "10,1234567890123,4294967296");
    tix_buf_free(&b);
}

/* ---- add_json ---------------------------------------------------------- */

static void json_is(const char *in, size_t n, const char *want)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "\""); /* appends, after what is there */
    tix_buf_add_json(&b, in, n);
    assert_int_equal(b.err, TIX_EOK);
    if (b.len - 1 != strlen(want) || memcmp(b.p + 1, want, b.len - 1) != 0)
        fail_msg("json(\"%.*s\") = \"%s\", want \"%s\"", (int)n, in, b.p + 1, want);
    assert_int_equal(b.p[b.len], '\0');
    tix_buf_free(&b);
}

#define JSON_IS(lit, want) json_is(lit, sizeof lit - 1, want)

static void test_add_json(void **state)
{
    (void)state;
    JSON_IS("", "");
    JSON_IS("plain text/with slash", "plain text/with slash");
    JSON_IS("say \"hi\"", "say \\\"hi\\\"");
    JSON_IS("C:\\temp\\x", "C:\\\\temp\\\\x");
    JSON_IS("a\nb", "a\\nb");
    JSON_IS("a\rb\tc", "a\\rb\\tc");
    /* RFC 8785 (JCS, which STIX ids hash) wants the short forms for these
     * and lower-case \u00xx for the other control bytes */
    JSON_IS("\b\f", "\\b\\f");
    JSON_IS("\x01", "\\u0001");
    JSON_IS("x\x1fy", "x\\u001fy");
    JSON_IS("\x1b[0m", "\\u001b[0m");
    JSON_IS("nul\0byte", "nul\\u0000byte");
    /* UTF-8 and DEL pass through untouched */
    JSON_IS("b\xc3\xbc" "cher \xe2\x82\xac \xf0\x9f\x98\x80", "b\xc3\xbc" "cher \xe2\x82\xac \xf0\x9f\x98\x80");
    JSON_IS("\x7f", "\x7f");
    /* everything at once, escapes at both ends */
    JSON_IS("\"\\\n\x02 ok \x03\\\"", "\\\"\\\\\\n\\u0002 ok \\u0003\\\\\\\"");
}

static void test_add_json_long(void **state)
{
    (void)state;
    /* 10000 quotes: every one doubles in size */
    size_t n = 10000;
    char *s = malloc(n);
    assert_non_null(s);
    memset(s, '"', n);
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_add_json(&b, s, n);
    assert_int_equal(b.err, TIX_EOK);
    assert_int_equal(b.len, 2 * n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(b.p[2 * i], '\\');
        assert_int_equal(b.p[2 * i + 1], '"');
    }
    assert_int_equal(b.p[b.len], '\0');
    tix_buf_free(&b);
    free(s);
}

/* ---- add_csv ----------------------------------------------------------- */

static void csv_is(const char *in, size_t n, const char *want)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "x,");
    tix_buf_add_csv(&b, in, n);
    assert_int_equal(b.err, TIX_EOK);
    if (b.len - 2 != strlen(want) || memcmp(b.p + 2, want, b.len - 2) != 0)
        fail_msg("csv(\"%.*s\") = [%s], want [%s]", (int)n, in, b.p + 2, want);
    assert_int_equal(b.p[b.len], '\0');
    tix_buf_free(&b);
}

#define CSV_IS(lit, want) csv_is(lit, sizeof lit - 1, want)

static void test_add_csv(void **state)
{
    (void)state;
    /* quoted only when needed */
    CSV_IS("plain", "plain");
    CSV_IS("with space", "with space");
    CSV_IS("http://x.com/a;b", "http://x.com/a;b");
    CSV_IS("", "");
    /* comma, quote, newline, carriage return force quoting */
    CSV_IS("a,b", "\"a,b\"");
    CSV_IS("say \"hi\"", "\"say \"\"hi\"\"\"");
    CSV_IS("\"", "\"\"\"\"");
    CSV_IS("\"\"", "\"\"\"\"\"\"");
    CSV_IS("line1\nline2", "\"line1\nline2\"");
    CSV_IS("a\r\nb", "\"a\r\nb\"");
    CSV_IS("a,\"b\"\nc", "\"a,\"\"b\"\"\nc\"");
    CSV_IS(",", "\",\"");
}

/* ---- reset, detach, free ---------------------------------------------- */

static void test_reset_keeps_memory(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "some content that takes room");
    char *p = b.p;
    size_t cap = b.cap;
    tix_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.p[0], '\0');
    assert_int_equal(b.err, TIX_EOK);
    tix_buf_adds(&b, "new");
    assert_buf_str(&b, "new");
    tix_buf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    tix_buf_free(&b); /* twice is harmless */
    assert_null(b.p);
}

static void test_detach(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_buf_adds(&b, "hello, ");
    tix_buf_add_u64(&b, 42);
    size_t len = 0;
    char *s = tix_buf_detach(&b, &len);
    assert_non_null(s);
    assert_int_equal(len, 9);
    assert_string_equal(s, "hello, 42");
    /* b is left empty and usable */
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    tix_buf_adds(&b, "again");
    assert_buf_str(&b, "again");
    assert_true(b.p != s);
    assert_string_equal(s, "hello, 42"); /* the detached copy is untouched */
    char *t = tix_buf_detach(&b, NULL); /* len may be NULL */
    assert_string_equal(t, "again");
    free(s);
    free(t);

    /* detaching an empty buffer gives an empty string or NULL, never junk */
    tix_buf e = TIX_BUF_INIT(0);
    len = 99;
    char *z = tix_buf_detach(&e, &len);
    assert_int_equal(len, 0);
    if (z)
        assert_string_equal(z, "");
    free(z);
    tix_buf_free(&e);
}

/* ---- errors and diagnostics ------------------------------------------- */

static void test_strerror(void **state)
{
    (void)state;
    static const struct {
        tix_err e;
        const char *s;
    } want[] = {
        {TIX_EOK, "ok"},
        {TIX_ENOMEM, "out of memory"},
        {TIX_ETOOBIG, "input too large"},
        {TIX_EPARSE, "malformed input"},
        {TIX_EINVAL, "invalid argument"},
        {TIX_EIO, "input/output error"},
        {TIX_ENOTFOUND, "not found"},
        {TIX_EUNSUPPORTED, "not supported"},
        {TIX_EDB, "database error"},
        {TIX_ESTOPPED, "stopped by caller"},
    };
    assert_int_equal(sizeof want / sizeof want[0], TIX_E_COUNT);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(want[i].e, (tix_err)i); /* codes are 0..COUNT-1 */
        assert_string_equal(tix_strerror(want[i].e), want[i].s);
    }
    /* out of range: some text, never NULL */
    assert_non_null(tix_strerror(TIX_E_COUNT));
    assert_non_null(tix_strerror((tix_err)12345));
    assert_non_null(tix_strerror((tix_err)-1));
}

static void test_diag_first_error_wins(void **state)
{
    (void)state;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(d.code, TIX_EOK);
    assert_string_equal(d.msg, "");

    assert_int_equal(tix_diag_set(&d, TIX_EPARSE, "bad value '%s' at %d", "x", 3),
                     TIX_EPARSE);
    assert_int_equal(d.code, TIX_EPARSE);
    assert_string_equal(d.msg, "bad value 'x' at 3");

    /* a later error returns its own code but leaves the first in place */
    assert_int_equal(tix_diag_set(&d, TIX_EIO, "disk on fire"), TIX_EIO);
    assert_int_equal(d.code, TIX_EPARSE);
    assert_string_equal(d.msg, "bad value 'x' at 3");
    assert_int_equal(tix_diag_set(&d, TIX_ENOMEM, NULL), TIX_ENOMEM);
    assert_int_equal(d.code, TIX_EPARSE);
    assert_string_equal(d.msg, "bad value 'x' at 3");

    tix_diag_clear(&d);
    assert_int_equal(d.code, TIX_EOK);
    assert_string_equal(d.msg, "");
    assert_int_equal(tix_diag_set(&d, TIX_EIO, "second %s", "life"), TIX_EIO);
    assert_int_equal(d.code, TIX_EIO);
    assert_string_equal(d.msg, "second life");
}

static void test_diag_null_and_default(void **state)
{
    (void)state;
    /* d may be NULL */
    assert_int_equal(tix_diag_set(NULL, TIX_EINVAL, "ignored %d", 1), TIX_EINVAL);
    tix_diag_clear(NULL);

    /* no format: the code's description */
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_diag_set(&d, TIX_ENOTFOUND, NULL), TIX_ENOTFOUND);
    assert_int_equal(d.code, TIX_ENOTFOUND);
    assert_string_equal(d.msg, "not found");
}

static void test_diag_long_message(void **state)
{
    (void)state;
    char big[1000];
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tix_diag d = TIX_DIAG_INIT;
    tix_diag_set(&d, TIX_EPARSE, "%s", big);
    assert_int_equal(d.code, TIX_EPARSE);
    /* truncated, terminated, no overflow */
    assert_int_equal(strlen(d.msg), sizeof d.msg - 1);
    assert_int_equal(d.msg[0], 'm');
    assert_int_equal(d.msg[sizeof d.msg - 2], 'm');
}

/* Bytes that are not UTF-8 (a Latin-1 file name, a lone continuation byte,
 * an overlong form, a surrogate) become \ufffd; UTF-8 passes through. */
static void test_add_json_invalid_utf8(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    const char in[] = "caf\xe9 \x80 \xc0\xaf \xed\xa0\x80 \xc3\xa9\xe2\x82\xac";
    tix_buf_add_json(&b, in, sizeof in - 1);
    assert_string_equal(b.p, "caf\\ufffd \\ufffd \\ufffd\\ufffd "
                             "\\ufffd\\ufffd\\ufffd \xc3\xa9\xe2\x82\xac");
    tix_buf_reset(&b);
    tix_buf_add_json(&b, "\xe2\x82", 2); /* cut short */
    assert_string_equal(b.p, "\\ufffd\\ufffd");
    tix_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_json_invalid_utf8),
        cmocka_unit_test(test_init_empty),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_add_zero_bytes),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_cap_exact_fit),
        cmocka_unit_test(test_cap_sticky),
        cmocka_unit_test(test_cap_addc_only),
        cmocka_unit_test(test_cap_addf_long),
        cmocka_unit_test(test_cap_reserve_overflow),
        cmocka_unit_test(test_addf),
        cmocka_unit_test(test_addf_long),
        cmocka_unit_test(test_add_u64),
        cmocka_unit_test(test_add_json),
        cmocka_unit_test(test_add_json_long),
        cmocka_unit_test(test_add_csv),
        cmocka_unit_test(test_reset_keeps_memory),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_diag_first_error_wins),
        cmocka_unit_test(test_diag_null_and_default),
        cmocka_unit_test(test_diag_long_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
