/* family_gorse.c - Gorse, a fictional router/IoT bot (docs/families.md).
 *
 * Its config is a little-endian binary struct after a 4-byte magic, whose
 * layout changed between builds: version 1 holds one C&C in fixed fields,
 * version 2 a list of them. Any other version is refused by name, so that
 * a new build shows up as drift instead of as a wrong config.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "classify/internal.h"

static const uint8_t gorse_magic[4] = {'G', 'R', 'S', 0x9F};

/* version 1: magic, u8 version, u8 flags, u16 port, char host[64],
 * u32 botnet id */
#define G1_SIZE 76
#define G1_HOST 64
/* version 2: magic, u8 version, u8 n, u32 botnet id, u16 size, then n
 * entries of { u16 port; u8 len; char host[len] } filling size bytes */
#define G2_HDR 12
#define G2_MAX 32

static const char rule_text[] =
    "rule tix_Gorse\n"
    "{\n"
    "    meta:\n"
    "        family = \"Gorse\"\n"
    "        author = \"tix project\"\n"
    "        description = \"Gorse (a fictional IoT bot, docs/families.md): binary config "
    "after the GRS magic, AArch64 start-up stub\"\n"
    "    strings:\n"
    "        $cfg = { 47 52 53 9F 0? }\n"
    "        // stp x29,x30,[sp,#-16]!; mov x29,sp; mov w0,#23; mov w1,#2323\n"
    "        $code = { FD 7B BF A9 FD 03 00 91 E0 02 80 52 61 22 81 52 }\n"
    "    condition:\n"
    "        (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F) and\n"
    "        $cfg and $code\n"
    "}\n";

static tix_err add(tix_config *out, const uint8_t *host, size_t hl, unsigned port, unsigned i,
                   tix_diag *why)
{
    if (port == 0)
        return tix_diag_set(why, TIX_EPARSE, "C&C %u has port 0", i);
    tix_diag d = TIX_DIAG_INIT;
    /* the bot speaks its own protocol over a raw TCP connection */
    tix_err rc = tix_config_add_c2(out, "tcp", (const char *)host, hl, (int)port, NULL, &d);
    if (rc != TIX_EOK)
        return tix_diag_set(why, rc, "C&C %u: %s", i, d.msg);
    return TIX_EOK;
}

static tix_err gorse_try(const uint8_t *d, size_t len, size_t at, tix_config *out,
                         tix_diag *why)
{
    if (len - at < 5)
        return tix_diag_set(why, TIX_EPARSE, "config header at offset %zu is truncated", at);
    unsigned version = d[at + 4];
    uint32_t id;
    tix_err rc;
    if (version == 1) {
        if (len - at < G1_SIZE)
            return tix_diag_set(why, TIX_EPARSE,
                                "version 1 config at offset %zu is truncated (%d bytes needed)",
                                at, G1_SIZE);
        const uint8_t *host = d + at + 8;
        const uint8_t *nul = memchr(host, 0, G1_HOST);
        if (nul == NULL)
            return tix_diag_set(why, TIX_EPARSE, "C&C host is not NUL-terminated");
        rc = add(out, host, (size_t)(nul - host), tix__rd16(d + at + 6), 1, why);
        if (rc != TIX_EOK)
            return rc;
        id = tix__rd32(d + at + 72);
    } else if (version == 2) {
        if (len - at < G2_HDR)
            return tix_diag_set(why, TIX_EPARSE, "config header at offset %zu is truncated", at);
        unsigned n = d[at + 5];
        id = tix__rd32(d + at + 6);
        size_t size = tix__rd16(d + at + 10);
        if (n == 0 || n > G2_MAX)
            return tix_diag_set(why, TIX_EPARSE, "config claims %u C&C entries (1-%d expected)",
                                n, G2_MAX);
        if (size > len - at - G2_HDR)
            return tix_diag_set(why, TIX_EPARSE,
                                "C&C list of %zu bytes runs past the end of the data", size);
        const uint8_t *p = d + at + G2_HDR, *end = p + size;
        for (unsigned i = 1; i <= n; i++) {
            if (end - p < 3)
                return tix_diag_set(why, TIX_EPARSE, "C&C %u of %u lies outside the list", i, n);
            unsigned port = tix__rd16(p), hl = p[2];
            p += 3;
            if (hl > (size_t)(end - p))
                return tix_diag_set(why, TIX_EPARSE, "C&C %u of %u lies outside the list", i, n);
            rc = add(out, p, hl, port, i, why);
            if (rc != TIX_EOK)
                return rc;
            p += hl;
        }
        if (p != end)
            return tix_diag_set(why, TIX_EPARSE,
                                "C&C list is %zu bytes, its %u entries fill %zu", size, n,
                                (size_t)(p - (d + at + G2_HDR)));
    } else {
        /* the drift report groups the failures by the layout they met */
        snprintf(out->build, sizeof out->build, "layout %u", (unsigned)(version));
        return tix_diag_set(why, TIX_EPARSE,
                            "unknown config layout version %u (this extractor reads 1 and 2)",
                            version);
    }
    snprintf(out->build, sizeof out->build, "%u", version);
    snprintf(out->campaign, sizeof out->campaign, "%" PRIu32, id);
    return TIX_EOK;
}

static tix_err gorse_extract(const uint8_t *data, size_t len, tix_config *out, tix_diag *why)
{
    return tix__config_scan(data, len, gorse_magic, sizeof gorse_magic, gorse_try, out, why);
}

const tix_config_extractor tix__extractor_gorse = {
    .family = "Gorse",
    .name = "gorse-struct",
    .version = "1.0",
    .rule = "tix_Gorse",
    .rule_text = rule_text,
    .extract = gorse_extract,
};
