/* token_name.c - dotted tokens: host names and IPv4 addresses, and the guards
 * that keep file names, versions and code out. */
#include <stdlib.h>
#include <string.h>

#include "extract/token.h"



/* Extent of the dotted token around the '.' at i, the slow way, for names
 * with non-ASCII letters. */
static void name_extent(const struct tix__text *t, size_t i, size_t *ps,
                        size_t *pe)
{
    const uint8_t *p = t->p;
    size_t s = i;
    for (;;) {
        size_t k = tix__name_char_back(t, s);
        if (k == s) {
            if (s > 0 && p[s - 1] == '.' && i - s < NAME_TOKEN_MAX) {
                s--;
                continue;
            }
            break;
        }
        s = k;
        if (i - s > NAME_TOKEN_MAX)
            break;
    }
    size_t e = i;
    for (;;) {
        size_t len = at(t, e) == '.' ? 1 : name_char(t, e);
        if (len == 0)
            break;
        e += len;
        if (e - s > NAME_TOKEN_MAX)
            break;
    }
    *ps = s;
    *pe = e;
}

/* Every label with a non-ASCII letter has two characters or more. */
static bool idn_labels_ok(const uint8_t *p, size_t s, size_t e)
{
    size_t chars = 0;
    bool hi = false;
    for (size_t k = s; k <= e; k++) {
        if (k == e || p[k] == '.') {
            if (hi && chars < 2)
                return false;
            chars = 0;
            hi = false;
            continue;
        }
        if (p[k] >= 0x80)
            hi = true;
        if ((p[k] & 0xC0) != 0x80) /* count code points, not bytes */
            chars++;
    }
    return true;
}

/* The shape of a dotted token, from the classes of its bytes: what all
 * and any of its bytes are, the same for its last label, where that label
 * starts and how many dots there are. */
struct shape {
    uint8_t all, any, label, label_all;
    size_t l, dots;
};
#define SHAPE_INIT {0xff, 0, 0, 0xff, 0, 0}

/* Add the byte at k, of class c, to the shape. */
static inline void shape_take(struct shape *sh, uint8_t c, size_t k)
{
    if (c & C_DOT) {
        sh->dots++;
        sh->l = k + 1;
        sh->label = 0;
        sh->label_all = 0xff;
        return;
    }
    sh->all &= c;
    sh->any |= c;
    sh->label |= c;
    sh->label_all &= c;
}

/* '.' at i, between two name characters. Returns the index scanning may
 * resume from. */
size_t tix__on_dot(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    size_t n = t->n;
    /* Expand over name bytes and dots, and classify on the way: the first
     * label to the left of the anchor, the rest to its right. */
    struct shape sh = SHAPE_INIT;
    size_t s = i, e = i + 1;
    for (; s > 0 && i - s <= NAME_TOKEN_MAX; s--) {
        uint16_t c = tix__cls[p[s - 1]];
        if (!(c & (C_NAME | C_DOT)))
            break;
        sh.all &= (uint8_t)c;
        sh.any |= (uint8_t)c;
    }
    shape_take(&sh, C_DOT, i);
    for (; e < n && e - s <= NAME_TOKEN_MAX; e++) {
        uint16_t c = tix__cls[p[e]];
        if (!(c & (C_NAME | C_DOT)))
            break;
        shape_take(&sh, (uint8_t)c, e);
    }
    bool reclassify = false;
    if ((s > 0 && p[s - 1] >= 0x80) || (e < n && p[e] >= 0x80)) {
        name_extent(t, i, &s, &e);
        reclassify = true;
    }
    size_t resume = e;
    if (e - s > NAME_TOKEN_MAX) {
        /* far too long for a name: skip the whole run */
        while (at(t, resume) == '.' || name_char(t, resume))
            resume += at(t, resume) == '.' ? 1 : name_char(t, resume);
        return resume;
    }
    if (p[s] == '.' || p[s] == '-' || p[e - 1] == '.' || p[e - 1] == '-') {
        while (s < e && (p[s] == '.' || p[s] == '-'))
            s++;
        while (e > s && (p[e - 1] == '.' || p[e - 1] == '-'))
            e--;
        reclassify = true;
    }
    if (e - s < 3)
        return resume;
    uint8_t before = s > 0 ? p[s - 1] : 0, after = at(t, e);
    if (after == '@' || before == '_' || after == '_')
        return resume;
    /* the domain of an e-mail address is reported with the address; a name
     * after a lone '@' ("dig @8.8.8.8") is not part of one */
    if (before == '@' && s >= 2 && tix__email_local_char(p[s - 2]))
        return resume;
    /* after "//" or "\\" a name is a host (of a URL without scheme or a
     * UNC path); after a single slash or backslash it is a path component
     * (/tmp/x.sh, Chrome/122.0.0.0, C:\Temp\a.ps1) */
    if ((before == '/' || before == '\\') && !(s >= 2 && p[s - 2] == before))
        return resume;

    if (reclassify) {
        /* the token changed: classify it again */
        sh = (struct shape)SHAPE_INIT;
        sh.l = s;
        for (size_t k = s; k < e; k++)
            shape_take(&sh, (uint8_t)tix__cls[p[k]], k);
    }
    uint8_t all = sh.all, any = sh.any, label = sh.label, label_all = sh.label_all;
    size_t l = sh.l, dots = sh.dots;
    if (all & C_DIGIT) {
        size_t ee = e;
        if (after == '/') {
            /* CIDR suffix */
            size_t d = e + 1;
            while (d < n && (tix__cls[p[d]] & C_DIGIT) && d - e <= 3)
                d++;
            uint8_t c = at(t, d);
            if (d > e + 1 && d - e <= 3 && !(tix__cls[c] & C_ALNUM) && c != '/' &&
                !(c == '.' && (tix__cls[at(t, d + 1)] & C_DIGIT)))
                ee = d;
        }
        if (dots != 3 || !tix__wanted(t, TIX_OBS_IPV4))
            return resume;
        if (!tix__try_hit(t, TIX_OBS_IPV4, tix__canon_ipv4, s, ee, false, err) &&
            ee != e)
            tix__try_hit(t, TIX_OBS_IPV4, tix__canon_ipv4, s, e, false, err);
        return resume;
    }
    /* the last label: letters needed, mixed case means code
     * (System.Net, Console.WriteLine) */
    if ((label & (C_UPPER | C_LOWER)) == (C_UPPER | C_LOWER))
        return resume;
    /* every top-level domain is letters, or an A-label */
    if (!tix__wanted(t, TIX_OBS_DOMAIN))
        return resume;
    bool letters = (label_all & C_ALNUM) && !(label & C_DIGIT);
    if (!(label & C_HI) && !(letters && e - l >= 2) &&
        !(e - l > 4 && memcmp(p + l, "xn--", 4) == 0))
        return resume;
    bool defanged = tix__edited(t, s, e);
    if (!defanged && tix__tld_is_file_ext((const char *)p + l, e - l)) {
        /* a bare name ending in a file extension is a file: setup.zip, and
         * the double-extension lure invoice.pdf.zip */
        if (dots == 1)
            return resume;
        size_t l2 = l - 1;
        while (l2 > s && p[l2 - 1] != '.')
            l2--;
        if (tix__is_doc_ext((const char *)p + l2, l - 1 - l2))
            return resume;
    }
    if (any & C_HI) {
        /* a label of one non-ASCII letter alone is what random bytes
         * make, not what registries hand out */
        if (!idn_labels_ok(p, s, e))
            return resume;
    }
    tix__try_hit(t, TIX_OBS_DOMAIN, tix__canon_domain, s, e, false, err);
    return resume;
}
