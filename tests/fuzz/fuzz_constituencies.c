/* fuzz_constituencies.c - libFuzzer target for the constituency CSV.
 *
 * A file that fails must say where ("fuzz:..."), on one line. A file that
 * is read must answer for each of its rows: the row's own network (its
 * address is in no longer prefix of another row, or that row answers), its
 * ASN and its country, each by that very row. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tix/enrich.h"

static void check_row(const tix_constituencies *c, const tix_constituency *r)
{
    if (!r->match || !r->name || !r->country || !r->email || !r->kind)
        abort();
    if (strlen(r->country) != 2 || !*r->name || !strchr(r->email, '@'))
        abort();
    if (strcmp(r->kind, "cert") && strcmp(r->kind, "police") && strcmp(r->kind, "hoster"))
        abort();
    const tix_constituency *f;
    switch (r->by) {
    case TIX_CONST_CIDR: {
        /* the network address: this row or a longer prefix answers */
        char ip[64];
        const char *slash = strchr(r->match, '/');
        if (!slash || (size_t)(slash - r->match) >= sizeof ip)
            abort();
        memcpy(ip, r->match, (size_t)(slash - r->match));
        ip[slash - r->match] = '\0';
        f = tix_constituency_find(c, ip, 0, NULL);
        if (!f || f->by != TIX_CONST_CIDR)
            abort();
        if (f != r && strtoul(strchr(f->match, '/') + 1, NULL, 10) <=
                          strtoul(slash + 1, NULL, 10))
            abort();
        break;
    }
    case TIX_CONST_ASN:
        f = tix_constituency_find(c, NULL, (uint32_t)strtoul(r->match + 2, NULL, 10), NULL);
        if (f != r)
            abort();
        break;
    case TIX_CONST_COUNTRY: {
        char lower[3] = {(char)(r->match[0] | 0x20), (char)(r->match[1] | 0x20), 0};
        f = tix_constituency_find(c, "", 0, lower);
        if (f != r)
            abort();
        break;
    }
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tix_constituencies *c = NULL;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_constituencies_parse((const char *)data, size, "fuzz", &c, &d);
    if (e != TIX_EOK) {
        if (c != NULL || strncmp(d.msg, "fuzz", 4) != 0 || strchr(d.msg, '\n'))
            abort();
        return 0;
    }
    size_t n = tix_constituencies_count(c);
    for (size_t i = 0; i < n && i < 64; i++)
        check_row(c, tix_constituencies_at(c, i));
    if (tix_constituencies_at(c, n) != NULL)
        abort();
    /* lookups that need not find anything */
    (void)tix_constituency_find(c, "192.0.2.1", 64500, "DL");
    (void)tix_constituency_find(c, "2001:db8::1", 0, NULL);
    (void)tix_constituency_find(c, "not an ip", 1, "zz");
    (void)tix_constituency_find(c, NULL, 0, "D");
    tix_constituencies_free(c);
    return 0;
}
