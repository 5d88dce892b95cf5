/* fuzz_match.c - libFuzzer target for the log matcher.
 *
 * The first byte picks the format (and a field number), the rest is log
 * data matched against a small fixed set of indicators: names with
 * subdomains, hosts and prefixes of both families, URLs. The input is
 * matched twice: whole, and in two pieces cut after a line end; both runs
 * must report the same hits, stop at the same error, and count the same
 * lines. Every hit must lie inside its line (or be a decoded copy, for CSV
 * and JSON) and name an indicator of the right type. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tix/match.h"

static const struct {
    tix_obs_type t;
    const char *v;
} inds[] = {
    {TIX_OBS_DOMAIN, "evil.com"},        {TIX_OBS_DOMAIN, "a.b.c.d.e.f.g.h.i.j.evil.com"},
    {TIX_OBS_DOMAIN, "c2.bad.org"},      {TIX_OBS_IPV4, "203.0.113.7"},
    {TIX_OBS_IPV4, "10.0.0.0/8"},        {TIX_OBS_IPV4, "0.0.0.0/0"},
    {TIX_OBS_IPV6, "2001:db8::1"},       {TIX_OBS_IPV6, "2001:db8:bad::/48"},
    {TIX_OBS_URL, "http://evil.com/x"},  {TIX_OBS_URL, "https://[2001:db8::1]/a?b"},
};
#define NINDS (sizeof inds / sizeof inds[0])

static tix_matcher *matcher;

typedef struct {
    const char *data;
    size_t len;
    uint64_t sum, n;
} acc;

static int on_hit(void *ud, const tix_log_match *h)
{
    acc *a = ud;
    if (h->payload >= NINDS || inds[h->payload].t != h->type)
        abort();
    if (h->text < a->data || h->text + h->len > a->data + a->len || h->line == 0)
        abort();
    if (memchr(h->text, '\n', h->len)) /* one line: without its LF (and one CR) */
        abort();
    if (!h->hit || h->hit_len == 0)
        abort();
    /* the hits of a run, in order, as one number */
    a->sum = a->sum * 1000003u + h->line * 31u + h->payload;
    a->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!matcher) {
        tix_diag d = TIX_DIAG_INIT;
        if (tix_matcher_new(&matcher, &d))
            abort();
        for (size_t i = 0; i < NINDS; i++)
            if (tix_matcher_add(matcher, inds[i].t, inds[i].v, strlen(inds[i].v), (uint32_t)i,
                                &d))
                abort();
        if (tix_matcher_build(matcher, &d))
            abort();
    }
    if (size < 1)
        return 0;
    tix_log_opts o = {(tix_log_format)(data[0] % 6), 0, NULL};
    if (o.format == TIX_LOG_FIELD || (o.format == TIX_LOG_CSV && data[0] & 0x80))
        o.field = 1 + (data[0] >> 3 & 7);
    data++, size--;
    /* an exact-size copy, so that reading past the end is caught */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);

    acc whole = {buf, size, 0, 0};
    tix_match_stats s1 = {0};
    tix_diag d1 = TIX_DIAG_INIT;
    tix_err e1 = tix_match_log(matcher, &o, buf, size, "fuzz", on_hit, &whole, &s1, &d1);
    if (e1 != TIX_EOK && (e1 != TIX_EPARSE || o.format != TIX_LOG_JSONL ||
                          strncmp(d1.msg, "fuzz:", 5) != 0))
        abort();
    if (s1.matched_lines > s1.lines || s1.hits < s1.matched_lines || s1.hits != whole.n)
        abort();

    /* in two pieces, cut after the first line end past the middle */
    const char *nl = memchr(buf + size / 2, '\n', size - size / 2);
    if (nl) {
        size_t cut = (size_t)(nl - buf) + 1;
        tix_log_state ls = {0};
        tix_log_opts o2 = o;
        o2.state = &ls;
        acc parts = {buf, size, 0, 0};
        tix_match_stats s2 = {0};
        tix_diag d2 = TIX_DIAG_INIT;
        tix_err e2 = tix_match_log(matcher, &o2, buf, cut, "fuzz", on_hit, &parts, &s2, &d2);
        if (!e2)
            e2 = tix_match_log(matcher, &o2, buf + cut, size - cut, "fuzz", on_hit, &parts, &s2,
                               &d2);
        if (e1 != e2 || whole.sum != parts.sum || whole.n != parts.n ||
            (!e1 && (s1.lines != s2.lines || s1.matched_lines != s2.matched_lines ||
                     s1.skipped != s2.skipped)) ||
            strcmp(d1.msg, d2.msg) != 0)
            abort();
    }
    free(buf);
    return 0;
}
