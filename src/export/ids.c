/* ids.c - the deterministic ids of what an export makes.
 *
 * Objects tix makes (indicators, sightings, relationships, identities,
 * malware, infrastructure) have UUIDv5 ids over a name that says what they
 * stand for ("indicator|ipv4-addr--...", "malware|emotet"), in the
 * namespace takedown_stix.c uses, so the same thing gets the same id in
 * every export and every takedown list. Observables keep the STIX
 * deterministic ids the store computed. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "export/internal.h"

/* uuid5(NAMESPACE_URL, "tix:stix:takedown") */
static const uint8_t tix_ns[16] = {0x9a, 0x73, 0x6e, 0xd5, 0x6d, 0x0e, 0x5f, 0x17,
                                   0x87, 0x42, 0xfb, 0xf0, 0xfc, 0xca, 0xa1, 0x84};

tix_err exp_id(char out[TIX_STIX_ID_MAX], const char *type, const char *name, size_t len)
{
    uint8_t u[16];
    char s[37];
    tix_err e = tix_uuid5(tix_ns, name, len, u);
    if (e) {
        out[0] = 0;
        return e;
    }
    tix_uuid_format(u, s);
    snprintf(out, TIX_STIX_ID_MAX, "%s--%s", type, s);
    return TIX_EOK;
}

tix_err exp_uuid(char out[37], const char *name, size_t len)
{
    uint8_t u[16];
    tix_err e = tix_uuid5(tix_ns, name, len, u);
    if (e) {
        out[0] = 0;
        return e;
    }
    tix_uuid_format(u, out);
    return TIX_EOK;
}

tix_err exp_idv(char out[TIX_STIX_ID_MAX], const char *type, ...)
{
    tix_buf b = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    va_list ap;
    va_start(ap, type);
    const char *part;
    for (bool first = true; (part = va_arg(ap, const char *)) != NULL; first = false) {
        if (!first)
            tix_buf_addc(&b, '|');
        tix_buf_adds(&b, part);
    }
    va_end(ap);
    tix_err e = b.err ? b.err : exp_id(out, type, b.p ? b.p : "", b.len);
    tix_buf_free(&b);
    if (e)
        out[0] = 0;
    return e;
}

void exp_add_lower(tix_buf *b, const char *s)
{
    for (; *s; s++)
        tix_buf_addc(b, (char)tolower((unsigned char)*s));
}

const char *exp_tlp_marking(tix_tlp t)
{
    return tix_tlp_marking_id(t);
}
