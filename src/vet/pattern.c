/* pattern.c - compiling substring and regex entries with vectorscan.
 *
 * Entries were put through vectorscan's parser when they were added, but
 * the parser accepts some patterns the compiler then refuses (too large,
 * unsupported in this combination). hs_compile_multi names the pattern at
 * fault: drop it and compile again. When the failure names no pattern,
 * compiling each alone finds the culprits.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "vet/internal.h"
#include "vet/pattern.h"

/* Can a literal (lower case) occur in a canonical value of type t? */
static bool fits(tix_obs_type t, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool ok;
        switch (t) {
        case TIX_OBS_IPV4:
            ok = tix__is_digit(c) || c == '.' || c == '/';
            break;
        case TIX_OBS_IPV6:
            ok = tix__is_hex(c) || c == ':' || c == '.' || c == '/';
            break;
        case TIX_OBS_DOMAIN:
            ok = tix__is_alnum(c) || c == '.' || c == '-' || c == '_';
            break;
        case TIX_OBS_EMAIL:
            ok = tix__email_local_char(c) || c == '@';
            break;
        case TIX_OBS_MD5:
        case TIX_OBS_SHA1:
        case TIX_OBS_SHA256:
        case TIX_OBS_SHA512:
            ok = tix__is_hex(c);
            break;
        default:
            ok = true;
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

/* The expression vectorscan compiles: a literal with every byte that is not
 * a letter or digit escaped, a regex without its delimiters. */
static char *expr_of(const tix__vpat *p, unsigned *flags, const char **why)
{
    if (p->regex) {
        const char *pat;
        size_t n;
        if (tix__vet_regex_split(p->entry, &pat, &n, flags, why) != 0)
            return NULL;
        *flags |= HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
        return strndup(pat, n);
    }
    *flags = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
    size_t n = strlen(p->entry);
    char *e = malloc(4 * n + 1), *o = e;
    if (e == NULL)
        return NULL;
    for (const char *s = p->entry; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (tix__is_alnum(c)) {
            *o++ = (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return e;
}

typedef struct {
    tix__vpat *pats;
    char **expr;
    unsigned *flags;
    size_t *dropped;
    char *reason;
} ctx;

static void drop(ctx *c, uint32_t i, const char *why)
{
    c->pats[i].dropped = 1;
    if (c->dropped) {
        if (*c->dropped == 0 && c->reason)
            snprintf(c->reason, 256, "list '%s': entry '%.80s': vectorscan: %s",
                     c->pats[i].list_name, c->pats[i].entry, why);
        (*c->dropped)++;
    }
}

/* sel[0..*n): pattern indices; on return the ones compiled. */
static tix_err compile(ctx *c, uint32_t *sel, size_t *n, hs_database_t **db, tix_diag *d)
{
    const char **ex = malloc((*n ? *n : 1) * sizeof *ex);
    unsigned *fl = malloc((*n ? *n : 1) * sizeof *fl);
    unsigned *ids = malloc((*n ? *n : 1) * sizeof *ids);
    tix_err rc = TIX_EOK;
    *db = NULL;
    if (!ex || !fl || !ids) {
        rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto out;
    }
    for (;;) {
        size_t m = 0;
        for (size_t i = 0; i < *n; i++)
            if (!c->pats[sel[i]].dropped)
                sel[m++] = sel[i];
        *n = m;
        if (m == 0)
            break;
        for (size_t i = 0; i < m; i++) {
            ex[i] = c->expr[sel[i]];
            fl[i] = c->flags[sel[i]];
            ids[i] = sel[i];
        }
        hs_compile_error_t *err = NULL;
        if (hs_compile_multi(ex, fl, ids, (unsigned)m, HS_MODE_BLOCK, NULL, db, &err) ==
            HS_SUCCESS)
            break;
        *db = NULL;
        if (err && err->expression >= 0 && (size_t)err->expression < m) {
            drop(c, sel[err->expression], err->message);
            hs_free_compile_error(err);
            continue;
        }
        size_t found = 0;
        for (size_t i = 0; i < m; i++) {
            hs_database_t *one = NULL;
            hs_compile_error_t *e1 = NULL;
            if (hs_compile(ex[i], fl[i], HS_MODE_BLOCK, NULL, &one, &e1) != HS_SUCCESS) {
                drop(c, sel[i], e1 ? e1->message : "refused");
                found++;
            }
            hs_free_database(one);
            hs_free_compile_error(e1);
        }
        if (found == 0) {
            rc = tix_diag_set(d, TIX_EUNSUPPORTED, "vectorscan: %s",
                              err ? err->message : "compile failed");
            hs_free_compile_error(err);
            break;
        }
        hs_free_compile_error(err);
    }
out:
    free(ex);
    free(fl);
    free(ids);
    return rc;
}

/* out = a | b, both sorted; returns its size. */
static size_t merge(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
        if (j == nb || (i < na && a[i] < b[j]))
            out[n++] = a[i++];
        else if (i == na || b[j] < a[i])
            out[n++] = b[j++];
        else
            out[n++] = a[i++], j++;
    }
    return n;
}

tix_err tix__vpats_build(tix__vpats *p, tix__vpat *pats, size_t n, size_t *dropped,
                         char *reason, tix_diag *d)
{
    memset(p, 0, sizeof *p);
    if (n == 0)
        return TIX_EOK;
    ctx c = {pats, calloc(n, sizeof(char *)), calloc(n, sizeof(unsigned)), dropped, reason};
    /* per type its patterns; per cluster of types the union, compiled once */
    uint32_t *sel[TIX_OBS_COUNT] = {0}, *uni[TIX_OBS_COUNT] = {0};
    size_t nsel[TIX_OBS_COUNT] = {0}, nuni[TIX_OBS_COUNT] = {0};
    int cluster[TIX_OBS_COUNT], order[TIX_OBS_COUNT], nclusters = 0;
    uint32_t *tmp = malloc(n * sizeof *tmp);
    tix_err rc = TIX_EOK;
    if (!c.expr || !c.flags || !tmp) {
        rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *why = "out of memory";
        if (pats[i].dropped)
            continue;
        if ((c.expr[i] = expr_of(&pats[i], &c.flags[i], &why)) == NULL) {
            if (strcmp(why, "out of memory") == 0) {
                rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
                goto out;
            }
            drop(&c, (uint32_t)i, why);
        }
    }
    for (int t = 0; t < TIX_OBS_COUNT; t++) {
        if ((sel[t] = malloc(n * sizeof *sel[t])) == NULL) {
            rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (!pats[i].dropped && (pats[i].applies & TIX_OBS_BIT(t)) &&
                (pats[i].regex || fits((tix_obs_type)t, pats[i].entry)))
                sel[t][nsel[t]++] = (uint32_t)i;
        order[t] = t;
        cluster[t] = -1;
    }
    /* Largest first. A type joins a cluster when the union is at most a
     * tenth larger than both: e-mail addresses and domains both meet the
     * 8,000 disposable-mail domains, and compiling those twice would cost
     * more than the load of everything else. The scan callback drops the
     * hits of lists that do not apply. */
    for (int a = 1; a < TIX_OBS_COUNT; a++)
        for (int b = a; b > 0 && nsel[order[b]] > nsel[order[b - 1]]; b--) {
            int x = order[b];
            order[b] = order[b - 1];
            order[b - 1] = x;
        }
    for (int k = 0; k < TIX_OBS_COUNT; k++) {
        int t = order[k];
        if (nsel[t] == 0)
            continue;
        for (int u = 0; u < nclusters && cluster[t] < 0; u++) {
            size_t m = merge(uni[u], nuni[u], sel[t], nsel[t], tmp);
            if (m * 10 <= nsel[t] * 11 && m * 10 <= nuni[u] * 11) {
                memcpy(uni[u], tmp, m * sizeof *tmp);
                nuni[u] = m;
                cluster[t] = u;
            }
        }
        if (cluster[t] < 0) {
            if ((uni[nclusters] = malloc(n * sizeof *uni[0])) == NULL) {
                rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
                goto out;
            }
            memcpy(uni[nclusters], sel[t], nsel[t] * sizeof *sel[t]);
            nuni[nclusters] = nsel[t];
            cluster[t] = nclusters++;
        }
    }
    for (int u = 0; u < nclusters; u++) {
        hs_database_t *db;
        if ((rc = compile(&c, uni[u], &nuni[u], &db, d)))
            goto out;
        bool owner = true;
        for (int t = 0; t < TIX_OBS_COUNT; t++)
            if (cluster[t] == u) {
                p->db[t] = db;
                p->owns[t] = owner && db;
                owner = false;
            }
        if (db && hs_alloc_scratch(db, &p->scratch) != HS_SUCCESS) {
            rc = tix_diag_set(d, TIX_ENOMEM, "out of memory (vectorscan scratch)");
            goto out;
        }
    }
out:
    for (int t = 0; t < TIX_OBS_COUNT; t++) {
        free(sel[t]);
        free(uni[t]);
    }
    free(tmp);
    if (c.expr)
        for (size_t i = 0; i < n; i++)
            free(c.expr[i]);
    free(c.expr);
    free(c.flags);
    if (rc)
        tix__vpats_free(p);
    return rc;
}

void tix__vpats_free(tix__vpats *p)
{
    for (int t = 0; t < TIX_OBS_COUNT; t++)
        if (p->owns[t])
            hs_free_database(p->db[t]);
    hs_free_scratch(p->scratch);
    memset(p, 0, sizeof *p);
}
