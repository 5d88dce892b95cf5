/* stix_id.c - STIX 2.1 deterministic identifiers (UUIDv5, JCS input). */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "tix/observable.h"

/* STIX 2.1 section 2.9: namespace for SCO deterministic identifiers. */
static const uint8_t sco_namespace[16] = {
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
    0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
};

tix_err tix_uuid5(const uint8_t ns[16], const void *name, size_t len,
                  uint8_t out[16])
{
    /* SHA-1 over namespace || name; the one-shot SHA1() is the OpenSSL 3
     * interface that is not deprecated. */
    uint8_t md[SHA_DIGEST_LENGTH];
    uint8_t small[512];
    uint8_t *msg = len + 16 <= sizeof small ? small : malloc(len + 16);
    if (msg == NULL)
        return TIX_ENOMEM;
    memcpy(msg, ns, 16);
    memcpy(msg + 16, name, len);
    SHA1(msg, len + 16, md);
    if (msg != small)
        free(msg);
    memcpy(out, md, 16);
    out[6] = (uint8_t)((out[6] & 0x0f) | 0x50); /* version 5 */
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    return TIX_EOK;
}

void tix_uuid_format(const uint8_t u[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t j = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[j++] = '-';
        out[j++] = hex[u[i] >> 4];
        out[j++] = hex[u[i] & 15];
    }
    out[j] = '\0';
}

/* The id-contributing properties of each type as the RFC 8785 (JCS)
 * serialisation that STIX hashes: keys sorted, no whitespace, strings
 * escaped as JSON.stringify does. A file named only by hashes contributes
 * {"hashes":{"<ALGO>":"<hex>"}}. */
tix_err tix_obs_stix_id(tix_obs_type t, const char *value, size_t len,
                        char out[TIX_STIX_ID_MAX], tix_diag *d)
{
    const char *stix = tix_obs_stix_type(t);
    if (stix == NULL)
        return tix_diag_set(d, TIX_EINVAL, "unknown observable type %d", (int)t);
    tix_buf b = TIX_BUF_INIT(TIX_OBS_VALUE_MAX * 6 + 64);
    switch (t) {
    case TIX_OBS_MD5:
    case TIX_OBS_SHA1:
    case TIX_OBS_SHA256:
    case TIX_OBS_SHA512: {
        static const char *const algo[] = {"MD5", "SHA-1", "SHA-256", "SHA-512"};
        tix_buf_adds(&b, "{\"hashes\":{\"");
        tix_buf_adds(&b, algo[t - TIX_OBS_MD5]);
        tix_buf_adds(&b, "\":\"");
        tix_buf_add_json(&b, value, len);
        tix_buf_adds(&b, "\"}}");
        break;
    }
    case TIX_OBS_ASN:
        /* a JSON number: the digits after "AS" (canonical: no zeros) */
        if (len < 3 || memcmp(value, "AS", 2) != 0) {
            tix_buf_free(&b);
            return tix_diag_set(d, TIX_EINVAL, "'%.*s' is not a canonical asn",
                                (int)(len > 40 ? 40 : len), value);
        }
        tix_buf_adds(&b, "{\"number\":");
        tix_buf_add(&b, value + 2, len - 2);
        tix_buf_adds(&b, "}");
        break;
    case TIX_OBS_CVE:
        tix_buf_adds(&b, "{\"name\":\"");
        tix_buf_add_json(&b, value, len);
        tix_buf_adds(&b, "\"}");
        break;
    default:
        tix_buf_adds(&b, "{\"value\":\"");
        tix_buf_add_json(&b, value, len);
        tix_buf_adds(&b, "\"}");
        break;
    }
    if (b.err != TIX_EOK) {
        tix_err e = b.err;
        tix_buf_free(&b);
        return tix_diag_set(d, e, "value too long for an id");
    }
    uint8_t u[16];
    char uuid[37];
    tix_err rc = tix_uuid5(sco_namespace, b.p, b.len, u);
    tix_buf_free(&b);
    if (rc != TIX_EOK)
        return tix_diag_set(d, rc, "out of memory");
    tix_uuid_format(u, uuid);
    size_t sl = strlen(stix);
    memcpy(out, stix, sl);
    memcpy(out + sl, "--", 2);
    memcpy(out + sl + 2, uuid, 37);
    return TIX_EOK;
}
