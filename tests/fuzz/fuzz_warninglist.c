/* fuzz_warninglist.c - libFuzzer target for the MISP warninglist reader and
 * the vetter built from what it reads.
 *
 * The input is a list.json. When it parses, the list goes into a vetter
 * (as list 0, beside the built-in lists), which vets a fixed set of values
 * of every kind and the list's own first entries as values of every type:
 * every verdict must name a list and one of that list's entries, and a
 * string or host-name entry spelt like a name must find itself. A failed
 * parse must name its place ("fuzz.json"). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/lpm.h"
#include "tix/vet.h"

static const struct {
    tix_obs_type type;
    const char *value;
} values[] = {
    {TIX_OBS_IPV4, "10.1.2.3"},
    {TIX_OBS_IPV4, "192.0.2.53"},
    {TIX_OBS_IPV4, "198.51.100.0/24"},
    {TIX_OBS_IPV6, "2001:db8::1"},
    {TIX_OBS_IPV6, "::1"},
    {TIX_OBS_DOMAIN, "a.b.evil.com"},
    {TIX_OBS_DOMAIN, "x.duckdns.org"},
    {TIX_OBS_URL, "http://user@a.evil.com:8080/gate.php?x=1"},
    {TIX_OBS_URL, "https://[2001:db8::1]/x"},
    {TIX_OBS_URL, "http://10.1.2.3/"},
    {TIX_OBS_EMAIL, "abuse@mail.ru"},
    {TIX_OBS_MD5, "d41d8cd98f00b204e9800998ecf8427e"},
    {TIX_OBS_CVE, "CVE-2021-44228"},
};

static int name_like(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* Every verdict from a list, naming one of its entries, one per list;
 * returns how many came from list 0. */
static size_t check_verdicts(tix_vetter *v, const tix_verdict *vs, size_t n)
{
    size_t mine = 0;
    if (n > 8 || n > tix_vetter_count(v))
        abort(); /* 8: room given */
    for (size_t i = 0; i < n; i++) {
        const tix_list *l = tix_vetter_list(v, vs[i].list);
        if (l == NULL || vs[i].entry == NULL || (unsigned)vs[i].match >= TIX_MATCH_COUNT)
            abort();
        int found = 0;
        for (size_t e = 0; e < l->n && !found; e++)
            found = vs[i].entry == l->entries[e];
        for (size_t j = 0; j < i; j++)
            if (vs[j].list == vs[i].list)
                abort();
        if (!found)
            abort();
        mine += vs[i].list == 0;
    }
    return mine;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0; /* regex compilation grows with the input, not the point here */
    tix_list *l = NULL;
    size_t skipped = 0;
    char why[256];
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_list_parse_misp((const char *)data, size, "fuzz", "fuzz.json", &l,
                                    &skipped, why, &d);
    if (e != TIX_EOK) {
        if (l != NULL || (e == TIX_EPARSE && strncmp(d.msg, "fuzz.json: ", 11) != 0))
            abort();
        return 0;
    }
    if (skipped && strncmp(why, "fuzz.json: ", 11) != 0)
        abort();
    tix_vetter *v;
    if (tix_vetter_new(&v, &d) != TIX_EOK) {
        tix_list_free(l);
        return 0;
    }
    const tix_list *kept = l;
    tix_list **bl = NULL;
    size_t nb = 0;
    if (tix_vetter_add(v, l, &d) != TIX_EOK || tix_lists_builtin(&bl, &nb, &d) != TIX_EOK) {
        tix_vetter_free(v);
        return 0;
    }
    for (size_t i = 0; i < nb; i++)
        if (tix_vetter_add(v, bl[i], &d) != TIX_EOK)
            abort();
    free(bl);
    if (tix_vetter_build(v, &d) != TIX_EOK) {
        tix_vetter_free(v);
        return 0;
    }
    tix_verdict vs[8];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        size_t n = tix_vetter_check(v, values[i].type, values[i].value,
                                    strlen(values[i].value), vs, 8);
        check_verdicts(v, vs, n);
    }
    /* the list's own entries, as values: a string or host-name entry
     * spelt like a host name must meet itself as a domain, where the list
     * applies to domains */
    for (size_t k = 0; k < kept->n && k < 16; k++) {
        const char *ent = kept->entries[k];
        for (int t = 0; t < TIX_OBS_COUNT; t++) {
            size_t n = tix_vetter_check(v, (tix_obs_type)t, ent, strlen(ent), vs, 8);
            check_verdicts(v, vs, n);
        }
        int af;
        uint8_t a[16];
        unsigned plen;
        if ((kept->applies & TIX_OBS_BIT(TIX_OBS_DOMAIN)) && name_like(ent) &&
            (kept->match == TIX_MATCH_STRING ||
             (kept->match == TIX_MATCH_HOSTNAME &&
              tix__lpm_parse(ent, strlen(ent), &af, a, &plen) != 0)) &&
            check_verdicts(v, vs, tix_vetter_check(v, TIX_OBS_DOMAIN, ent, strlen(ent), vs,
                                                   8)) != 1)
            abort();
    }
    tix_vetter_free(v);
    return 0;
}
