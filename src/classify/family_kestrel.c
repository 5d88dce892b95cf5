/* family_kestrel.c - Kestrel, a fictional bot (docs/families.md).
 *
 * Its config is a string table: a marker, a table version, a one-byte XOR
 * key, a count, then length-prefixed entries such as "c2=host:port",
 * "path=/gate.php", "id=campaign", "ver=3.1", each XOR-ed with the key.
 * Version 2 also XORs the count and the lengths, which is all that
 * changed between the builds.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "classify/internal.h"

static const uint8_t kst_marker[6] = {'K', 's', 'T', 'r', 0xA5, 0x1C};
#define KST_HDR 9         /* marker, version, key, count */
#define KST_ENTRIES_MAX 64 /* a real table has about ten */

static const char rule_text[] =
    "rule tix_Kestrel\n"
    "{\n"
    "    meta:\n"
    "        family = \"Kestrel\"\n"
    "        author = \"tix project\"\n"
    "        description = \"Kestrel (a fictional bot, docs/families.md): XOR string "
    "table after the KsTr marker, single-byte XOR loop\"\n"
    "    strings:\n"
    "        $table = { 4B 73 54 72 A5 1C 0? }\n"
    "        // xor ecx,ecx; mov al,[esi+ecx]; xor al,KEY; mov [edi+ecx],al;\n"
    "        // inc ecx; cmp ecx,edx; jb\n"
    "        $code = { 31 C9 8A 04 0E 34 ?? 88 04 0F 41 39 D1 72 F3 }\n"
    "    condition:\n"
    "        (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F) and\n"
    "        $table and $code\n"
    "}\n";

static tix_err kst_try(const uint8_t *d, size_t len, size_t at, tix_config *out,
                       tix_diag *why)
{
    if (len - at < KST_HDR)
        return tix_diag_set(why, TIX_EPARSE, "string table header at offset %zu is truncated",
                            at);
    unsigned version = d[at + 6];
    uint8_t key = d[at + 7];
    if (version != 1 && version != 2) {
        /* the drift report groups the failures by the layout they met */
        snprintf(out->build, sizeof out->build, "layout %u", (unsigned)(version));
        return tix_diag_set(why, TIX_EPARSE,
                            "unknown config layout version %u (this extractor reads 1 and 2)",
                            version);
    }
    uint8_t lenkey = version == 2 ? key : 0;
    unsigned count = (uint8_t)(d[at + 8] ^ lenkey);
    if (count == 0 || count > KST_ENTRIES_MAX)
        return tix_diag_set(why, TIX_EPARSE, "string table claims %u entries (1-%d expected)",
                            count, KST_ENTRIES_MAX);

    /* c2 entries are added after the whole table is read, because the
     * path they share may come after them */
    size_t c2_at[KST_ENTRIES_MAX], c2_len[KST_ENTRIES_MAX], nc2 = 0;
    char path[TIX_CONFIG_PATH_MAX] = "";
    size_t p = at + KST_HDR;
    for (unsigned e = 0; e < count; e++) {
        if (p >= len)
            return tix_diag_set(why, TIX_EPARSE, "string table entry %u of %u is truncated", e + 1,
                                count);
        size_t n = (uint8_t)(d[p++] ^ lenkey);
        if (n == 0)
            return tix_diag_set(why, TIX_EPARSE, "string table entry %u is empty", e + 1);
        if (n > len - p)
            return tix_diag_set(why, TIX_EPARSE,
                                "string table entry %u of %u runs past the end of the data",
                                e + 1, count);
        char t[256];
        for (size_t i = 0; i < n; i++) {
            t[i] = (char)(d[p + i] ^ key);
            if (t[i] < 0x20 || t[i] > 0x7e)
                return tix_diag_set(why, TIX_EPARSE,
                                    "string table entry %u does not decode to text with key "
                                    "0x%02x",
                                    e + 1, key);
        }
        const char *eq = memchr(t, '=', n);
        if (eq != NULL) {
            size_t kl = (size_t)(eq - t), vo = kl + 1;
            if (kl == 2 && memcmp(t, "c2", 2) == 0) {
                c2_at[nc2] = p + vo;
                c2_len[nc2++] = n - vo;
            } else if (kl == 4 && memcmp(t, "path", 4) == 0) {
                if (n - vo > 0 && t[vo] != '/')
                    return tix_diag_set(why, TIX_EPARSE, "path entry does not start with '/'");
                tix__config_copy(path, sizeof path, t + vo, n - vo);
            } else if (kl == 2 && memcmp(t, "id", 2) == 0) {
                tix__config_copy(out->campaign, sizeof out->campaign, t + vo, n - vo);
            } else if (kl == 3 && memcmp(t, "ver", 3) == 0) {
                tix__config_copy(out->build, sizeof out->build, t + vo, n - vo);
            }
        }
        p += n;
    }
    if (nc2 == 0)
        return tix_diag_set(why, TIX_EPARSE, "string table has no c2= entry");
    for (size_t i = 0; i < nc2; i++) {
        char v[256];
        for (size_t k = 0; k < c2_len[i]; k++)
            v[k] = (char)(d[c2_at[i] + k] ^ key);
        tix_diag dd = TIX_DIAG_INIT;
        /* the bot talks HTTP to the panel's gate script */
        tix_err rc = tix__config_add_url(out, v, c2_len[i], "http", path, &dd);
        if (rc != TIX_EOK)
            return tix_diag_set(why, rc, "c2 entry %zu: %s", i + 1, dd.msg);
    }
    const uint8_t k1[1] = {key};
    return tix__config_add_key(out, "xor", k1, 1, why);
}

static tix_err kst_extract(const uint8_t *data, size_t len, tix_config *out, tix_diag *why)
{
    return tix__config_scan(data, len, kst_marker, sizeof kst_marker, kst_try, out, why);
}

const tix_config_extractor tix__extractor_kestrel = {
    .family = "Kestrel",
    .name = "kestrel-xor",
    .version = "1.0",
    .rule = "tix_Kestrel",
    .rule_text = rule_text,
    .extract = kst_extract,
};
