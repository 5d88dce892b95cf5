/* json.c - JSON written straight into a buffer, keys in the order given.
 *
 * An export of a million observables writes millions of small objects; a
 * tree per object (jansson) would cost more than the store's reads. Strings
 * go through tix_buf_add_json: RFC 8785 escapes, bad UTF-8 as U+FFFD. */
#include <stdio.h>
#include <string.h>

#include "export/internal.h"
#include "tix/time.h"

void j_str(tix_buf *b, const char *s)
{
    tix_buf_addc(b, '"');
    tix_buf_add_json(b, s, strlen(s));
    tix_buf_addc(b, '"');
}

/* An export writes the same few times over and over (an observable's
 * objects share created and modified): the last one is kept formatted. */
static _Thread_local struct {
    int64_t sec;
    char text[TIX_TIME_MAX];
    size_t len;
} last_time = {-1, "", 0};

void j_ms(tix_buf *b, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    int64_t sec = ms / 1000;
    if (sec != last_time.sec) {
        tix_time_format(sec, last_time.text);
        if (!last_time.text[0]) /* the epoch itself */
            snprintf(last_time.text, sizeof last_time.text, "1970-01-01T00:00:00Z");
        last_time.len = strlen(last_time.text) - 1; /* without the Z */
        last_time.sec = sec;
    }
    char frac[8] = {'.', (char)('0' + ms % 1000 / 100), (char)('0' + ms % 100 / 10),
                    (char)('0' + ms % 10), 'Z', '"'};
    tix_buf_addc(b, '"');
    tix_buf_add(b, last_time.text, last_time.len);
    tix_buf_add(b, frac, 6);
}

void jo_begin(jobj *o, tix_buf *b)
{
    o->b = b;
    o->first = true;
    tix_buf_addc(b, '{');
}

void jo_end(jobj *o) { tix_buf_addc(o->b, '}'); }

void jo_key(jobj *o, const char *k)
{
    if (!o->first)
        tix_buf_addc(o->b, ',');
    o->first = false;
    tix_buf_addc(o->b, '"');
    tix_buf_adds(o->b, k);
    tix_buf_adds(o->b, "\":");
}

void jo_str(jobj *o, const char *k, const char *v)
{
    jo_key(o, k);
    j_str(o->b, v);
}

void jo_strn(jobj *o, const char *k, const char *v, size_t n)
{
    jo_key(o, k);
    tix_buf_addc(o->b, '"');
    tix_buf_add_json(o->b, v, n);
    tix_buf_addc(o->b, '"');
}

void jo_int(jobj *o, const char *k, int64_t v)
{
    char d[20];
    jo_key(o, k);
    if (v < 0) {
        tix_buf_addc(o->b, '-');
        v = -v;
    }
    tix_buf_add(o->b, d, tix_fmt_u64(d, (uint64_t)v));
}

void jo_bool(jobj *o, const char *k, bool v)
{
    jo_key(o, k);
    tix_buf_adds(o->b, v ? "true" : "false");
}

void jo_ms(jobj *o, const char *k, int64_t ms)
{
    jo_key(o, k);
    j_ms(o->b, ms);
}

void jo_str1(jobj *o, const char *k, const char *v)
{
    jo_key(o, k);
    tix_buf_addc(o->b, '[');
    j_str(o->b, v);
    tix_buf_addc(o->b, ']');
}
