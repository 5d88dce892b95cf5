/* identify.c - the type of one whole value: the extractor's hit that covers
 * all of it. Sharing the extractor's rules means `tix id X` and
 * `tix extract` never disagree about what X is. */
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

#include "tix/extract.h"

struct whole {
    size_t len;
    tix_obs_type type;
    tix_buf *out;
    int found;
};

static int take_whole(void *ud, const tix_hit *h)
{
    struct whole *w = ud;
    if (h->offset == 0 && h->raw_len == w->len && !w->found) {
        w->type = h->type;
        tix_buf_add(w->out, h->value, h->value_len);
        w->found = 1;
    }
    return 0;
}

tix_err tix_obs_identify(const char *in, size_t len, tix_obs_type *type,
                         tix_buf *out, tix_diag *d)
{
    while (len && (in[0] == ' ' || in[0] == '\t'))
        in++, len--;
    while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' ||
                   in[len - 1] == '\n' || in[len - 1] == '\r'))
        len--;
    if (len == 0 || len > TIX_OBS_VALUE_MAX)
        return tix_diag_set(d, TIX_EPARSE, "'%.*s' is not an observable",
                            (int)(len > 80 ? 80 : len), in);
    tix_extractor *local = NULL;
    tix_err rc = tix_extractor_new(&local, 0, d);
    if (rc != TIX_EOK)
        return rc;
    struct whole w = {len, TIX_OBS_IPV4, out, 0};
    rc = tix_extract_mem(local, in, len, take_whole, &w, d);
    tix_extractor_free(local);
    if (rc != TIX_EOK)
        return rc;
    if (!w.found) {
        /* A value given on its own is meant as one: the extractor's
         * guards against file names and code in running text (setup.zip,
         * System.Net) do not apply, nor does its trimming of a final dot.
         * Refang it and try each type in turn, names last. */
        static const tix_obs_type order[] = {
            TIX_OBS_IPV4, TIX_OBS_IPV6, TIX_OBS_URL, TIX_OBS_EMAIL,
            TIX_OBS_MD5, TIX_OBS_SHA1, TIX_OBS_SHA256, TIX_OBS_SHA512,
            TIX_OBS_BTC, TIX_OBS_XMR, TIX_OBS_CVE, TIX_OBS_ASN, TIX_OBS_DOMAIN,
        };
        uint8_t norm[TIX_OBS_VALUE_MAX];
        struct tix__edits ed = {0};
        long nn = tix__refang((const uint8_t *)in, len, norm, &ed);
        free(ed.v);
        const char *v = nn > 0 ? (const char *)norm : in;
        size_t vn = nn > 0 ? (size_t)nn : len;
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            size_t mark = out->len;
            if (tix_obs_canon(order[i], v, vn, out, NULL) == TIX_EOK) {
                *type = order[i];
                return TIX_EOK;
            }
            out->len = mark;
            if (out->p)
                out->p[mark] = '\0';
        }
        return tix_diag_set(d, TIX_EPARSE, "'%.*s' is not an observable",
                            (int)(len > 80 ? 80 : len), in);
    }
    if (out->err != TIX_EOK)
        return tix_diag_set(d, out->err, "%s", tix_strerror(out->err));
    *type = w.type;
    return TIX_EOK;
}
