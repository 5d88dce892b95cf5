/* family_plumloader.c - PlumLoader, a fictional loader (docs/families.md).
 *
 * Its config is key=value text, RC4-encrypted under a 16-byte key kept in
 * the sample, base64-encoded and stored between "<<PLUM::" and "::PLUM>>".
 * Layout 1 puts the key before the text, layout 2 after it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/internal.h"
#include "classify/rc4.h"

#define PLUM_START "<<PLUM::"
#define PLUM_END "::PLUM>>"
#define PLUM_MARK 8
#define PLUM_KEY 16
/* Real configs are a few hundred characters; the cap bounds the work and
 * the allocation an attacker can ask for. */
#define PLUM_B64_MAX 16384

static const char rule_text[] =
    "rule tix_PlumLoader\n"
    "{\n"
    "    meta:\n"
    "        family = \"PlumLoader\"\n"
    "        author = \"tix project\"\n"
    "        description = \"PlumLoader (a fictional loader, docs/families.md): "
    "RC4+base64 config between <<PLUM:: and ::PLUM>> markers, RC4 set-up loop\"\n"
    "    strings:\n"
    "        $cfg_start = { 3C 3C 50 4C 55 4D 3A 3A 0? }\n"
    "        $cfg_end = \"::PLUM>>\"\n"
    "        // push ebp; mov ebp,esp; push esi; mov esi,[ebp+8]; xor eax,eax;\n"
    "        // the 256-step S-box loop; push 'PLUM'\n"
    "        $code = { 55 89 E5 56 8B 75 08 31 C0 88 04 06 40 3D 00 01 00 00 75 F5\n"
    "                  68 4D 55 4C 50 }\n"
    "    condition:\n"
    "        (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F) and\n"
    "        $cfg_start and $cfg_end and $code\n"
    "}\n";

static int b64_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

static bool is_b64(uint8_t ch)
{
    return ch == '=' || b64_value(ch) >= 0;
}

/* Strict decoding: whole quads, '=' only as the final padding. out needs
 * n / 4 * 3 bytes. Returns the decoded length, or -1. */
static long b64_decode(const uint8_t *in, size_t n, uint8_t *out)
{
    if (n == 0 || n % 4 != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int k = 0; k < 4; k++) {
            v[k] = b64_value(in[i + k]);
            if (v[k] < 0) {
                if (in[i + k] != '=' || i + 4 != n || k < 2)
                    return -1;
                pad++;
                v[k] = 0;
            } else if (pad) {
                return -1; /* data after '=' */
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
                     (uint32_t)v[3];
        out[o++] = (uint8_t)(w >> 16);
        if (pad < 2)
            out[o++] = (uint8_t)(w >> 8);
        if (pad < 1)
            out[o++] = (uint8_t)w;
    }
    return (long)o;
}

/* Lines of key=value; unknown keys are ignored because every build adds
 * some (sleep time, jitter) that say nothing about the infrastructure. */
static tix_err parse_text(const char *t, size_t n, tix_config *out, tix_diag *why)
{
    size_t line = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && t[e] != '\n')
            e++;
        size_t end = e > i && t[e - 1] == '\r' ? e - 1 : e;
        line++;
        const char *eq = memchr(t + i, '=', end - i);
        if (eq != NULL) {
            size_t kl = (size_t)(eq - (t + i));
            const char *v = eq + 1;
            size_t vl = (size_t)(t + end - v);
            if (kl == 2 && memcmp(t + i, "c2", 2) == 0) {
                tix_diag d = TIX_DIAG_INIT;
                tix_err rc = tix__config_add_url(out, v, vl, NULL, NULL, &d);
                if (rc != TIX_EOK)
                    return tix_diag_set(why, rc, "config line %zu: %s", line, d.msg);
            } else if (kl == 3 && memcmp(t + i, "bid", 3) == 0) {
                tix__config_copy(out->campaign, sizeof out->campaign, v, vl);
            } else if (kl == 3 && memcmp(t + i, "ver", 3) == 0) {
                tix__config_copy(out->build, sizeof out->build, v, vl);
            }
        }
        i = e + 1;
    }
    return TIX_EOK;
}

static tix_err plum_try(const uint8_t *d, size_t len, size_t at, tix_config *out,
                        tix_diag *why)
{
    size_t p = at + PLUM_MARK;
    if (p >= len)
        return tix_diag_set(why, TIX_EPARSE, "config header at offset %zu is truncated", at);
    unsigned layout = d[p++];
    const uint8_t *key, *b64;
    size_t blen;
    switch (layout) {
    case 1: /* key, base64 text, end marker */
        if (len - p < PLUM_KEY)
            return tix_diag_set(why, TIX_EPARSE, "RC4 key at offset %zu is truncated", p);
        key = d + p;
        p += PLUM_KEY;
        b64 = d + p;
        while (p < len && is_b64(d[p]) && (size_t)(d + p - b64) <= PLUM_B64_MAX)
            p++;
        blen = (size_t)(d + p - b64);
        break;
    case 2: /* u16 text length, base64 text, key, end marker */
        if (len - p < 2)
            return tix_diag_set(why, TIX_EPARSE, "config header at offset %zu is truncated", at);
        blen = tix__rd16(d + p);
        p += 2;
        if (blen > len - p)
            return tix_diag_set(why, TIX_EPARSE,
                                "config text of %zu bytes runs past the end of the data", blen);
        b64 = d + p;
        p += blen;
        if (len - p < PLUM_KEY)
            return tix_diag_set(why, TIX_EPARSE, "RC4 key at offset %zu is truncated", p);
        key = d + p;
        p += PLUM_KEY;
        break;
    default:
        /* the drift report groups the failures by the layout they met */
        snprintf(out->build, sizeof out->build, "layout %u", (unsigned)(layout));
        return tix_diag_set(why, TIX_EPARSE,
                            "unknown config layout version %u (this extractor reads 1 and 2)",
                            layout);
    }
    if (blen > PLUM_B64_MAX)
        return tix_diag_set(why, TIX_EPARSE, "config text longer than %d bytes", PLUM_B64_MAX);
    if (len - p < PLUM_MARK || memcmp(d + p, PLUM_END, PLUM_MARK) != 0)
        return tix_diag_set(why, TIX_EPARSE,
                            "end marker not found after %zu bytes of config text", blen);

    uint8_t *plain = malloc(blen / 4 * 3 + 1);
    if (plain == NULL)
        return tix_diag_set(why, TIX_ENOMEM, "out of memory");
    tix_err rc = TIX_EOK;
    long n = b64_decode(b64, blen, plain);
    if (n <= 0) {
        rc = tix_diag_set(why, TIX_EPARSE, "config text of %zu bytes is not valid base64", blen);
        goto out;
    }
    tix__rc4 rc4;
    tix__rc4_init(&rc4, key, PLUM_KEY);
    tix__rc4_apply(&rc4, plain, (size_t)n);
    for (long i = 0; i < n; i++)
        if ((plain[i] < 0x20 || plain[i] > 0x7e) && plain[i] != '\n' && plain[i] != '\r') {
            rc = tix_diag_set(why, TIX_EPARSE,
                              "decrypted config is not text at byte %ld (wrong key, or a "
                              "new cipher?)",
                              i);
            goto out;
        }
    rc = parse_text((const char *)plain, (size_t)n, out, why);
    if (rc == TIX_EOK && out->nc2 == 0)
        rc = tix_diag_set(why, TIX_EPARSE, "decrypted config has no c2= line");
    if (rc == TIX_EOK)
        rc = tix__config_add_key(out, "rc4", key, PLUM_KEY, why);
out:
    free(plain);
    return rc;
}

static tix_err plum_extract(const uint8_t *data, size_t len, tix_config *out, tix_diag *why)
{
    return tix__config_scan(data, len, PLUM_START, PLUM_MARK, plum_try, out, why);
}

const tix_config_extractor tix__extractor_plumloader = {
    .family = "PlumLoader",
    .name = "plumloader-rc4",
    .version = "1.0",
    .rule = "tix_PlumLoader",
    .rule_text = rule_text,
    .extract = plum_extract,
};
