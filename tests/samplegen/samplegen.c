/* samplegen.c - benign stand-ins for the fictional families (samplegen.h).
 *
 * The config layouts written here are the ones docs/families.md documents
 * and src/classify/family_*.c reads; this file is written from the
 * document, not from the extractors, so that a test comparing the two
 * catches a mistake in either.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "classify/rc4.h"
#include "samplegen.h"

/* tix_buf's own default cap: a bigger sample could not be appended */
#define SG_SIZE_MAX ((size_t)1 << 30)

/* ---- small helpers ----------------------------------------------------- */

static int fail(char *err, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* splitmix64: tiny, and the same on every platform, which rand() is not */
typedef struct {
    uint64_t s;
} sg_rng;

static uint64_t rng_next(sg_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static size_t rng_below(sg_rng *r, size_t n)
{
    return n ? (size_t)(rng_next(r) % n) : 0;
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++) {
        h ^= (uint8_t)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        h *= 0x100000001b3u;
    }
    return h;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static size_t round_up(size_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

static size_t round_down(size_t v, size_t a)
{
    return v / a * a;
}

/* ---- C&C specifications ------------------------------------------------ */

typedef struct {
    char scheme[8];
    char host[256];
    int port; /* 0: none */
    char path[256];
} sg_c2;

/* "[scheme://]host[:port][/path]", host possibly "[v6]" */
static int parse_c2(const char *s, sg_c2 *c, char *err, size_t cap)
{
    memset(c, 0, sizeof *c);
    const char *p = s, *sep = strstr(s, "://");
    if (sep != NULL) {
        size_t n = (size_t)(sep - s);
        if (n == 0 || n >= sizeof c->scheme)
            return fail(err, cap, "C&C '%s': bad scheme", s);
        memcpy(c->scheme, s, n);
        p = sep + 3;
    }
    const char *h = p, *he;
    if (*p == '[') {
        h = p + 1;
        he = strchr(h, ']');
        if (he == NULL)
            return fail(err, cap, "C&C '%s': no ']'", s);
        p = he + 1;
    } else {
        he = p + strcspn(p, ":/");
        p = he;
    }
    size_t hl = (size_t)(he - h);
    if (hl == 0 || hl >= sizeof c->host)
        return fail(err, cap, "C&C '%s': host must be 1-255 characters", s);
    for (size_t i = 0; i < hl; i++)
        if (h[i] <= 0x20 || h[i] >= 0x7f)
            return fail(err, cap, "C&C '%s': host is not printable", s);
    memcpy(c->host, h, hl);
    if (*p == ':') {
        char *end;
        long v = strtol(p + 1, &end, 10);
        if (end == p + 1 || v < 0 || v > 65535 || (*end != 0 && *end != '/'))
            return fail(err, cap, "C&C '%s': bad port", s);
        c->port = (int)v;
        p = end;
    }
    if (*p != 0 && *p != '/')
        return fail(err, cap, "C&C '%s': unexpected '%c'", s, *p);
    size_t pl = strlen(p);
    if (pl >= sizeof c->path)
        return fail(err, cap, "C&C '%s': path too long", s);
    for (size_t i = 0; i < pl; i++)
        if (p[i] <= 0x20 || p[i] >= 0x7f)
            return fail(err, cap, "C&C '%s': path is not printable", s);
    memcpy(c->path, p, pl);
    return 0;
}

/* host[:port][path], without the scheme */
static void add_hostport(tix_buf *b, const sg_c2 *c)
{
    bool v6 = strchr(c->host, ':') != NULL;
    tix_buf_addf(b, "%s%s%s", v6 ? "[" : "", c->host, v6 ? "]" : "");
    if (c->port > 0)
        tix_buf_addf(b, ":%d", c->port);
    tix_buf_adds(b, c->path);
}

/* ---- the families' configs (docs/families.md) -------------------------- */

typedef struct {
    int build;          /* 1, 2 or 3 */
    const char *campaign;
    sg_c2 c2[16];
    size_t nc2;
    sg_rng *rng;
    uint8_t stub_key;   /* Kestrel: the XOR key, also patched into its code */
} sg_cfg;

static const char plum_start[] = "<<PLUM::", plum_end[] = "::PLUM>>";
static const uint8_t kst_marker[6] = {'K', 's', 'T', 'r', 0xA5, 0x1C};
static const uint8_t gorse_magic[4] = {'G', 'R', 'S', 0x9F};

static bool text_ok(const char *s, bool space_ok)
{
    for (; *s; s++)
        if (*s < (space_ok ? 0x20 : 0x21) || *s > 0x7e)
            return false;
    return true;
}

static int cfg_plumloader(sg_cfg *c, tix_buf *out, char *err, size_t cap)
{
    static const char *const ver[] = {"", "1.9", "2.4", "3.0"};
    if (strlen(c->campaign) > 63 || !text_ok(c->campaign, true))
        return fail(err, cap, "plumloader campaign must be 1-63 printable characters");
    tix_buf t = TIX_BUF_INIT(0);
    tix_buf_addf(&t, "bid=%s\nver=%s\n", c->campaign, ver[c->build]);
    for (size_t i = 0; i < c->nc2; i++) {
        tix_buf_adds(&t, "c2=");
        if (c->c2[i].scheme[0])
            tix_buf_addf(&t, "%s://", c->c2[i].scheme);
        add_hostport(&t, &c->c2[i]);
        tix_buf_adds(&t, "\n");
    }
    tix_buf_adds(&t, "slp=300\njit=15\nmtx=Global\\PlumSync-7f3a\n");
    if (t.err != TIX_EOK) {
        tix_buf_free(&t);
        return fail(err, cap, "out of memory");
    }

    uint8_t key[32];
    size_t klen = c->build == 3 ? 32 : 16; /* build 3 moved to a longer key */
    for (size_t i = 0; i < klen; i++)
        key[i] = (uint8_t)rng_next(c->rng);
    tix__rc4 rc4;
    tix__rc4_init(&rc4, key, klen);
    tix__rc4_apply(&rc4, (uint8_t *)t.p, t.len);
    size_t blen = 4 * ((t.len + 2) / 3);
    if (blen > 16384) {
        tix_buf_free(&t);
        return fail(err, cap, "plumloader config of %zu base64 bytes is over 16384", blen);
    }
    unsigned char *b64 = malloc(blen + 1);
    if (b64 == NULL) {
        tix_buf_free(&t);
        return fail(err, cap, "out of memory");
    }
    EVP_EncodeBlock(b64, (const unsigned char *)t.p, (int)t.len);
    tix_buf_free(&t);

    uint8_t lb[2];
    put16(lb, (uint32_t)blen);
    tix_buf_add(out, plum_start, 8);
    tix_buf_addc(out, (char)c->build);
    if (c->build == 2) {
        tix_buf_add(out, lb, 2);
        tix_buf_add(out, b64, blen);
        tix_buf_add(out, key, klen);
    } else {
        tix_buf_add(out, key, klen);
        tix_buf_add(out, b64, blen);
    }
    tix_buf_add(out, plum_end, 8);
    free(b64);
    return 0;
}

static int cfg_kestrel(sg_cfg *c, tix_buf *out, char *err, size_t cap)
{
    static const char *const ver[] = {"", "3.0", "3.1", "3.2"};
    if (strlen(c->campaign) > 63 || !text_ok(c->campaign, true))
        return fail(err, cap, "kestrel campaign must be 1-63 printable characters");
    tix_buf e[24];
    size_t n = 0;
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        tix_buf_init(&e[i], 0);
    tix_buf_addf(&e[n++], "ver=%s", ver[c->build]);
    for (size_t i = 0; i < c->nc2; i++) {
        tix_buf_adds(&e[n], "c2=");
        add_hostport(&e[n++], &c->c2[i]);
    }
    tix_buf_adds(&e[n++], "path=/gate.php");
    tix_buf_addf(&e[n++], "id=%s", c->campaign);
    tix_buf_adds(&e[n++], "ua=Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
    tix_buf_adds(&e[n++], "slp=60");

    uint8_t key = c->build == 1 ? 0x3c : 0x5a;
    c->stub_key = key;
    tix_buf_add(out, kst_marker, sizeof kst_marker);
    tix_buf_addc(out, (char)c->build);
    tix_buf_addc(out, (char)key);
    int rc = 0;
    if (c->build == 3) { /* u16 count and lengths */
        uint8_t w[2];
        put16(w, (uint32_t)n ^ (key * 0x101u));
        tix_buf_add(out, w, 2);
    } else {
        tix_buf_addc(out, (char)(c->build == 2 ? n ^ key : n));
    }
    for (size_t i = 0; i < n; i++) {
        if (e[i].len > 255) {
            rc = fail(err, cap, "kestrel entry '%.20s...' is longer than 255 bytes", e[i].p);
            break;
        }
        if (c->build == 3) {
            uint8_t w[2];
            put16(w, (uint32_t)e[i].len ^ (key * 0x101u));
            tix_buf_add(out, w, 2);
        } else {
            tix_buf_addc(out, (char)(c->build == 2 ? e[i].len ^ key : e[i].len));
        }
        for (size_t k = 0; k < e[i].len; k++)
            tix_buf_addc(out, (char)(e[i].p[k] ^ key));
    }
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        tix_buf_free(&e[i]);
    return rc;
}

static int cfg_gorse(sg_cfg *c, tix_buf *out, char *err, size_t cap)
{
    char *end;
    unsigned long id = strtoul(c->campaign, &end, 10);
    if (end == c->campaign || *end != 0 || id > 0xFFFFFFFFu || c->campaign[0] == '-')
        return fail(err, cap, "gorse campaign must be a botnet id (0-4294967295)");
    for (size_t i = 0; i < c->nc2; i++) {
        const sg_c2 *e = &c->c2[i];
        if (e->scheme[0] && strcmp(e->scheme, "tcp") != 0)
            return fail(err, cap, "gorse C&Cs are tcp, not %s", e->scheme);
        if (e->path[0])
            return fail(err, cap, "gorse C&Cs have no path");
        if (e->port == 0)
            return fail(err, cap, "gorse C&Cs need a port");
    }
    uint8_t w[4];
    tix_buf_add(out, gorse_magic, 4);
    tix_buf_addc(out, (char)c->build);
    if (c->build == 1) {
        if (c->nc2 != 1)
            return fail(err, cap, "gorse build 1 holds exactly one C&C");
        size_t hl = strlen(c->c2[0].host);
        if (hl > 63)
            return fail(err, cap, "gorse build 1 holds hosts of at most 63 characters");
        uint8_t host[64] = {0};
        memcpy(host, c->c2[0].host, hl);
        tix_buf_addc(out, 0); /* flags */
        put16(w, (uint32_t)c->c2[0].port);
        tix_buf_add(out, w, 2);
        tix_buf_add(out, host, sizeof host);
        put32(w, (uint32_t)id);
        tix_buf_add(out, w, 4);
        return 0;
    }
    size_t per = c->build == 3 ? 4 : 3, size = 0;
    for (size_t i = 0; i < c->nc2; i++)
        size += per + strlen(c->c2[i].host);
    tix_buf_addc(out, (char)c->nc2);
    put32(w, (uint32_t)id);
    tix_buf_add(out, w, 4);
    put16(w, (uint32_t)size);
    tix_buf_add(out, w, 2);
    for (size_t i = 0; i < c->nc2; i++) {
        if (c->build == 3)
            tix_buf_addc(out, 1); /* build 3: a flags byte per entry */
        put16(w, (uint32_t)c->c2[i].port);
        tix_buf_add(out, w, 2);
        tix_buf_addc(out, (char)strlen(c->c2[i].host));
        tix_buf_adds(out, c->c2[i].host);
    }
    return 0;
}

/* ---- what a family's file looks like ------------------------------------ */

static const char *const pe_strings[] = {
    "KERNEL32.dll", "GetModuleHandleW", "GetProcAddress", "GetTickCount",
    "Sleep", "CloseHandle", "CreateFileW", "ReadFile", "WriteFile", "GetLastError",
    "%s\\%s", "Accept: */*", "Content-Type: application/octet-stream", NULL};
static const char *const elf_strings[] = {
    "__libc_start_main", "GLIBC_2.34", "GCC: (Debian 12.2.0-14) 12.2.0", "/proc/self/exe",
    "/dev/null", "socket", "connect", "getpid", "usleep", NULL};

typedef struct {
    const char *name;
    int has_config;
    int (*config)(sg_cfg *c, tix_buf *out, char *err, size_t cap);
    const char *campaign;
    const char *c2[3];
    const char *c2_build1; /* the old layout holds one C&C */
    const char *strings[6];
    uint8_t stub[32];
    size_t stublen;
    size_t stub_key_at;  /* where the Kestrel XOR key goes in the stub; 0 none */
    uint16_t pe_machine, elf_machine;
} sg_family;

static const sg_family families[] = {
    {"plumloader", 1, cfg_plumloader, "plum-q1",
     {"https://45.153.241.18:8443/api/v2/sync", "https://cdn-plumsync.top:443/sync", NULL},
     NULL,
     {"Global\\PlumSync-7f3a", "PlumSync Updater", "plumsync.dat", "%APPDATA%\\PlumSync",
      NULL},
     /* the RC4 set-up loop; push 'PLUM'; add esp,4; pop esi; pop ebp; ret */
     {0x55, 0x89, 0xE5, 0x56, 0x8B, 0x75, 0x08, 0x31, 0xC0, 0x88, 0x04, 0x06, 0x40, 0x3D,
      0x00, 0x01, 0x00, 0x00, 0x75, 0xF5, 0x68, 0x4D, 0x55, 0x4C, 0x50, 0x83, 0xC4, 0x04,
      0x5E, 0x5D, 0xC3},
     31, 0, 0x14c, 62},
    {"kestrel", 1, cfg_kestrel, "kst-2024",
     {"91.215.85.17:7001", "91.215.85.142:7001", "kestrel-panel.xyz:7001"},
     NULL,
     {"Local\\kst-31-lock", "Kestrel/3.1", "kst.tmp", "POST %s HTTP/1.1", NULL},
     /* the XOR loop, then ret */
     {0x31, 0xC9, 0x8A, 0x04, 0x0E, 0x34, 0x00, 0x88, 0x04, 0x0F, 0x41, 0x39, 0xD1, 0x72,
      0xF3, 0xC3},
     16, 6, 0x14c, 62},
    {"gorse", 1, cfg_gorse, "4242",
     {"185.174.101.77:23", "185.174.102.9:2323", NULL},
     "185.174.101.77:23",
     {"/proc/net/route", "/etc/resolv.conf", "eth0", "gorse: %d", NULL},
     /* AArch64: stp x29,x30,[sp,#-16]!; mov x29,sp; mov w0,#23; mov w1,#2323;
      * ldp x29,x30,[sp],#16; ret */
     {0xFD, 0x7B, 0xBF, 0xA9, 0xFD, 0x03, 0x00, 0x91, 0xE0, 0x02, 0x80, 0x52, 0x61, 0x22,
      0x81, 0x52, 0xFD, 0x7B, 0xC1, 0xA8, 0xC0, 0x03, 0x5F, 0xD6},
     24, 0, 0x14c, 183},
    {"benign", 0, NULL, "", {NULL}, NULL,
     {"Demoland Image Viewer 2.1", "Copyright (C) 2024 Demoland Tools Ltd.",
      "usage: %s [-v] FILE...", "settings.ini", "cannot open %s: %s"},
     /* push ebp; mov ebp,esp; sub esp,8; xor eax,eax; leave; ret */
     {0x55, 0x89, 0xE5, 0x83, 0xEC, 0x08, 0x31, 0xC0, 0xC9, 0xC3},
     10, 0, 0x14c, 62},
};

/* Random runs with a string now and then, like the data of a real
 * program; 8 bytes per PRNG step keeps a 100 MB sample quick. */
static void fill(uint8_t *p, size_t n, sg_rng *r, const char *const *a, const char *const *b)
{
    size_t na = 0, nb = 0;
    while (a[na] != NULL)
        na++;
    while (nb < 6 && b[nb] != NULL)
        nb++;
    size_t i = 0;
    while (i < n) {
        size_t run = 64 + rng_below(r, 448);
        for (; run >= 8 && n - i >= 8; run -= 8, i += 8)
            put64(p + i, rng_next(r));
        for (; run > 0 && i < n; run--)
            p[i++] = (uint8_t)rng_next(r);
        size_t pick = rng_below(r, na + nb);
        const char *s = pick < na ? a[pick] : b[pick - na];
        size_t l = strlen(s) + 1;
        if (l <= n - i) {
            memcpy(p + i, s, l);
            i += l;
        }
    }
}

/* Chance copies of a config marker in the filler would make the
 * extractors see two configs; break them up. */
static void scrub(uint8_t *p, size_t n)
{
    static const struct {
        const void *m;
        size_t n;
    } marks[] = {{plum_start, 8}, {plum_end, 8}, {kst_marker, 6}, {gorse_magic, 4}};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        uint8_t *q = p, *end = p + n, *hit;
        while ((size_t)(end - q) >= marks[k].n &&
               (hit = memmem(q, (size_t)(end - q), marks[k].m, marks[k].n)) != NULL) {
            hit[0] ^= 0x20;
            q = hit + 1;
        }
    }
}

/* ---- containers ---------------------------------------------------------- */

typedef struct {
    size_t total;
    size_t text_off, text_len;
    size_t data_off, data_len;
} sg_layout;

static const uint8_t dos_stub[] = {
    0x0E, 0x1F, 0xBA, 0x0E, 0x00, 0xB4, 0x09, 0xCD, 0x21, 0xB8, 0x01, 0x4C, 0xCD, 0x21,
    'T', 'h', 'i', 's', ' ', 'p', 'r', 'o', 'g', 'r', 'a', 'm', ' ', 'c', 'a', 'n', 'n',
    'o', 't', ' ', 'b', 'e', ' ', 'r', 'u', 'n', ' ', 'i', 'n', ' ', 'D', 'O', 'S', ' ',
    'm', 'o', 'd', 'e', '.', '\r', '\r', '\n', '$'};

#define PE_HDR 0x200u
#define PE_FALIGN 0x200u
#define PE_SALIGN 0x1000u

static size_t pe_plan(size_t want, size_t cfglen, sg_layout *l)
{
    size_t data_min = round_up(cfglen + 64, PE_FALIGN);
    size_t total = want < PE_HDR + PE_FALIGN + data_min ? PE_HDR + PE_FALIGN + data_min : want;
    size_t avail = total - PE_HDR;
    size_t text = round_down(avail / 2, PE_FALIGN);
    if (text < PE_FALIGN)
        text = PE_FALIGN;
    if (text + data_min > avail)
        text = round_down(avail - data_min, PE_FALIGN);
    l->total = total;
    l->text_off = PE_HDR;
    l->text_len = text;
    l->data_off = PE_HDR + text;
    l->data_len = round_down(avail - text, PE_FALIGN); /* the rest is overlay */
    return total;
}

static void pe_write(uint8_t *f, const sg_layout *l, const sg_family *fam, sg_rng *r)
{
    f[0] = 'M';
    f[1] = 'Z';
    put16(f + 0x02, 0x90);
    put16(f + 0x04, 3);
    put16(f + 0x08, 4);
    put16(f + 0x0C, 0xFFFF);
    put16(f + 0x10, 0xB8);
    put16(f + 0x18, 0x40);
    put32(f + 0x3C, 0x80);
    memcpy(f + 0x40, dos_stub, sizeof dos_stub);

    uint8_t *pe = f + 0x80;
    memcpy(pe, "PE\0\0", 4);
    uint8_t *coff = pe + 4;
    put16(coff + 0, fam->pe_machine);
    put16(coff + 2, 2);                                            /* sections */
    put32(coff + 4, 1704067200u + (uint32_t)rng_below(r, 31536000)); /* in 2024 */
    put16(coff + 16, 0xE0);
    put16(coff + 18, 0x0102); /* executable image, 32-bit */

    uint32_t data_rva = PE_SALIGN + (uint32_t)round_up(l->text_len, PE_SALIGN);
    uint8_t *o = coff + 20;
    put16(o + 0, 0x10B);
    o[2] = 14;
    o[3] = 29;
    put32(o + 4, (uint32_t)l->text_len);
    put32(o + 8, (uint32_t)l->data_len);
    put32(o + 16, PE_SALIGN); /* entry point: the `ret` at the start of .text */
    put32(o + 20, PE_SALIGN);
    put32(o + 24, data_rva);
    put32(o + 28, 0x400000);
    put32(o + 32, PE_SALIGN);
    put32(o + 36, PE_FALIGN);
    put16(o + 40, 6);
    put16(o + 48, 6);
    put32(o + 56, data_rva + (uint32_t)round_up(l->data_len, PE_SALIGN));
    put32(o + 60, PE_HDR);
    put16(o + 68, 2);      /* Windows GUI */
    put16(o + 70, 0x8140); /* dynamic base, NX compatible, terminal-server aware */
    put32(o + 72, 0x100000);
    put32(o + 76, 0x1000);
    put32(o + 80, 0x100000);
    put32(o + 84, 0x1000);
    put32(o + 92, 16);

    uint8_t *s = o + 0xE0;
    memcpy(s, ".text\0\0\0", 8);
    put32(s + 8, (uint32_t)l->text_len);
    put32(s + 12, PE_SALIGN);
    put32(s + 16, (uint32_t)l->text_len);
    put32(s + 20, (uint32_t)l->text_off);
    put32(s + 36, 0x60000020u); /* code, execute, read */
    s += 40;
    memcpy(s, ".data\0\0\0", 8);
    put32(s + 8, (uint32_t)l->data_len);
    put32(s + 12, data_rva);
    put32(s + 16, (uint32_t)l->data_len);
    put32(s + 20, (uint32_t)l->data_off);
    put32(s + 36, 0xC0000040u); /* initialised data, read, write */
}

#define ELF_EHDR 64u
#define ELF_SHSTR "\0.text\0.data\0.shstrtab" /* 23 bytes with the final NUL */
#define ELF_SHSTR_LEN 23u
#define ELF_TAIL (ELF_SHSTR_LEN + 7u + 4u * 64u) /* with room to align the headers */
#define ELF_VADDR 0x401000u

static size_t elf_plan(size_t want, size_t cfglen, sg_layout *l)
{
    size_t data_min = round_up(cfglen + 64, 8);
    size_t fixed = ELF_EHDR + ELF_TAIL;
    size_t total = want < fixed + 256 + data_min ? fixed + 256 + data_min : want;
    size_t avail = total - fixed;
    size_t text = round_down(avail / 2, 16);
    if (text < 256)
        text = 256;
    if (text + data_min > avail)
        text = round_down(avail - data_min, 16);
    l->total = total;
    l->text_off = ELF_EHDR;
    l->text_len = text;
    l->data_off = ELF_EHDR + text;
    l->data_len = round_down(avail - text, 8);
    return total;
}

/* No program headers: the file types as an executable but cannot be
 * loaded, which is what a harmless stand-in should be. */
static void elf_write(uint8_t *f, const sg_layout *l, const sg_family *fam)
{
    size_t shstr = l->data_off + l->data_len;
    size_t shoff = round_down(l->total - 4 * 64, 8);
    memcpy(f, "\x7f" "ELF", 4);
    f[4] = 2; /* 64-bit */
    f[5] = 1; /* little-endian */
    f[6] = 1;
    put16(f + 16, 2); /* executable */
    put16(f + 18, fam->elf_machine);
    put32(f + 20, 1);
    put64(f + 24, ELF_VADDR);
    put64(f + 40, shoff);
    put16(f + 52, ELF_EHDR);
    put16(f + 54, 56);
    put16(f + 58, 64);
    put16(f + 60, 4);
    put16(f + 62, 3);

    memset(f + shstr, 0, l->total - shstr);
    memcpy(f + shstr, ELF_SHSTR, ELF_SHSTR_LEN);
    uint8_t *sh = f + shoff + 64; /* [0] stays all zero */
    put32(sh + 0, 1);
    put32(sh + 4, 1);  /* progbits */
    put64(sh + 8, 6);  /* alloc, exec */
    put64(sh + 16, ELF_VADDR);
    put64(sh + 24, l->text_off);
    put64(sh + 32, l->text_len);
    put64(sh + 48, 16);
    sh += 64;
    put32(sh + 0, 7);
    put32(sh + 4, 1);
    put64(sh + 8, 3); /* write, alloc */
    put64(sh + 16, ELF_VADDR + round_up(l->text_len, 0x1000));
    put64(sh + 24, l->data_off);
    put64(sh + 32, l->data_len);
    put64(sh + 48, 8);
    sh += 64;
    put32(sh + 0, 13);
    put32(sh + 4, 3); /* strtab */
    put64(sh + 24, shstr);
    put64(sh + 32, ELF_SHSTR_LEN);
    put64(sh + 48, 1);
}

/* ---- the whole sample ------------------------------------------------------ */

int sg_generate(const sg_spec *s, tix_buf *out, char *err, size_t errcap)
{
    if (s == NULL || s->family == NULL || out == NULL)
        return fail(err, errcap, "no family given");
    const sg_family *fam = NULL;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strcasecmp(families[i].name, s->family) == 0)
            fam = &families[i];
    if (fam == NULL)
        return fail(err, errcap, "unknown family '%s' (plumloader, kestrel, gorse, benign)",
                    s->family);
    const char *format = s->format ? s->format : "pe";
    bool elf = strcasecmp(format, "elf") == 0;
    if (!elf && strcasecmp(format, "pe") != 0)
        return fail(err, errcap, "unknown format '%s' (pe or elf)", format);
    if (s->size > SG_SIZE_MAX)
        return fail(err, errcap, "size %zu is over the limit of %zu", s->size, SG_SIZE_MAX);
    if (s->nc2 > sizeof s->c2 / sizeof s->c2[0])
        return fail(err, errcap, "more than 16 C&Cs");

    sg_cfg c;
    memset(&c, 0, sizeof c);
    c.build = 2;
    if (fam->has_config && s->build != NULL) {
        if (strlen(s->build) != 1 || s->build[0] < '1' || s->build[0] > '3')
            return fail(err, errcap, "unknown build '%s' for %s (1, 2 or 3)", s->build,
                        fam->name);
        c.build = s->build[0] - '0';
    }
    char bstr[2] = {(char)('0' + c.build), 0};
    sg_rng rng = {s->seed * 0x9E3779B97F4A7C15u ^ fnv(fam->name) ^ fnv(bstr) * 31u ^
                  fnv(elf ? "elf" : "pe") * 17u};
    c.rng = &rng;
    c.campaign = s->campaign ? s->campaign : fam->campaign;
    if (fam->has_config && c.campaign[0] == 0)
        return fail(err, errcap, "empty campaign");
    const char *defaults[3];
    const char *const *list = s->c2;
    c.nc2 = s->nc2;
    if (c.nc2 == 0 && fam->has_config) {
        list = defaults;
        if (c.build == 1 && fam->c2_build1 != NULL)
            defaults[c.nc2++] = fam->c2_build1;
        else
            for (size_t i = 0; i < 3 && fam->c2[i] != NULL; i++)
                defaults[c.nc2++] = fam->c2[i];
    }
    for (size_t i = 0; fam->has_config && i < c.nc2; i++) {
        if (list[i] == NULL)
            return fail(err, errcap, "C&C %zu is NULL", i + 1);
        if (parse_c2(list[i], &c.c2[i], err, errcap) != 0)
            return -1;
    }
    if (strcmp(fam->name, "kestrel") == 0)
        for (size_t i = 0; i < c.nc2; i++)
            if (c.c2[i].scheme[0] && strcmp(c.c2[i].scheme, "http") != 0)
                return fail(err, errcap, "kestrel C&Cs are http, not %s", c.c2[i].scheme);

    tix_buf cfg = TIX_BUF_INIT(0);
    if (fam->has_config && fam->config(&c, &cfg, err, errcap) != 0) {
        tix_buf_free(&cfg);
        return -1;
    }
    if (cfg.err != TIX_EOK) {
        tix_buf_free(&cfg);
        return fail(err, errcap, "out of memory");
    }

    sg_layout l;
    size_t want = s->size ? s->size : 8192 + 1024 * rng_below(&rng, 9);
    size_t total = elf ? elf_plan(want, cfg.len, &l) : pe_plan(want, cfg.len, &l);
    if (tix_buf_reserve(out, total) != 0) {
        tix_buf_free(&cfg);
        return fail(err, errcap, "cannot hold a sample of %zu bytes: %s", total,
                    tix_strerror(out->err));
    }
    uint8_t *f = (uint8_t *)out->p + out->len;
    memset(f, 0, total);

    const char *const *common = elf ? elf_strings : pe_strings;
    fill(f + l.text_off, total - l.text_off, &rng, common, fam->strings);
    scrub(f + l.text_off, total - l.text_off);
    if (elf)
        elf_write(f, &l, fam);
    else
        pe_write(f, &l, fam, &rng);

    uint8_t *text = f + l.text_off;
    text[0] = 0xC3; /* the entry point returns at once */
    uint8_t stub[32];
    memcpy(stub, fam->stub, fam->stublen);
    if (fam->stub_key_at)
        stub[fam->stub_key_at] = c.stub_key;
    size_t at = 16 + rng_below(&rng, l.text_len - fam->stublen - 32);
    memcpy(text + at, stub, fam->stublen);

    if (cfg.len > 0) {
        size_t room = l.data_len - cfg.len - 32; /* >= 32 by the plans */
        at = round_down(16 + rng_below(&rng, room), 4);
        memcpy(f + l.data_off + at, cfg.p, cfg.len);
    }
    tix_buf_free(&cfg);
    out->len += total;
    out->p[out->len] = 0;
    return 0;
}
