/* gen_classify.c - the corpus of bench/classify.
 *
 *   gen_classify PLANTS DIR MANIFEST [COUNT [BYTES [SEED]]]
 *
 * Writes COUNT files (default 20000) of BYTES in all (default 2,200,000,000)
 * to DIR/dNN/fNNNNN.bin, 500 files a folder. Sizes spread from 16 KiB to
 * 400 KiB, most of them small (a long tail, as in a sample feed).
 *
 *   - about 97% benign executables, three PE to one ELF: tests/samplegen's
 *     "benign" file, its first and last KiB kept (the headers; an ELF's
 *     section table), and between them sections that look like the
 *     real thing: code (common x86-64 instruction shapes), zero padding,
 *     import and message strings, UTF-16 resource strings, pointer tables
 *     and compressed-looking blobs. Strings common in real binaries
 *     (API names, a browser user agent, Run keys, "%s failed: %d") are in
 *     there on purpose: a rule's atoms hit them as they do in the field.
 *   - one benign file in twenty carries the strings that make one rule of
 *     the rule set match (two rules, now and then): a quarter of the rules
 *     are "active", the rest never fire; one in eight carries one string
 *     of a rule that alone does not make it match (a near miss).
 *   - 3% samples of the families tix extracts configs from, made by
 *     tests/samplegen: PlumLoader (PE, builds 1 and 2), Kestrel (PE and
 *     ELF, builds 1 and 2), Gorse (ELF, build 1, the old layout, and 2),
 *     each with its own campaign and 1-4 C&C endpoints (random addresses
 *     and names; one in five from a shared pool of 64 hosts, as campaigns
 *     share infrastructure).
 *
 * PLANTS is bench/classify_rules.py's plants.txt. MANIFEST gets one line a
 * file: PATH (relative to DIR), size, "benign" or the family, and the rules
 * planted ("-" none); the files that should match are those with a family
 * or a rule. Everything is drawn from SEED (default 42), each file from its
 * own stream: the same corpus every time. Nothing here is executable. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/hex.h"
#include "samplegen.h"
#include "tix/buf.h"

/* ---- random ------------------------------------------------------------ */

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rnext(rng_t *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t rbelow(rng_t *r, uint32_t n)
{
    return (uint32_t)(rnext(r) % n);
}

static double runit(rng_t *r)
{
    return (double)(rnext(r) >> 11) / 9007199254740992.0;
}

/* ---- the plants -------------------------------------------------------- */

enum { FMT_ANY, FMT_PE, FMT_ELF };
#define PLANT_MAX_STR 8

typedef struct {
    char kind; /* 'T' makes the rule match, 'P' does not */
    char name[96];
    int fmt;
    size_t n;
    uint8_t *s[PLANT_MAX_STR];
    size_t len[PLANT_MAX_STR];
} plant;

static plant *plants;
static size_t nplants;

static int load_plants(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gen_classify: %s: %s\n", path, strerror(errno));
        return -1;
    }
    static char line[1 << 16];
    size_t cap = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
        if (!tok || tok[0] == '#')
            continue;
        if (nplants == cap) {
            cap = cap ? cap * 2 : 256;
            plant *np = realloc(plants, cap * sizeof *np);
            if (!np)
                return fclose(f), -1;
            plants = np;
        }
        plant *p = &plants[nplants];
        memset(p, 0, sizeof *p);
        p->kind = tok[0];
        char *name = strtok_r(NULL, " \t\r\n", &save);
        char *fmt = strtok_r(NULL, " \t\r\n", &save);
        if ((p->kind != 'T' && p->kind != 'P') || !name || !fmt) {
            fprintf(stderr, "gen_classify: %s:%zu: bad line\n", path, lineno);
            return fclose(f), -1;
        }
        snprintf(p->name, sizeof p->name, "%s", name);
        p->fmt = !strcmp(fmt, "pe") ? FMT_PE : !strcmp(fmt, "elf") ? FMT_ELF : FMT_ANY;
        while ((tok = strtok_r(NULL, " \t\r\n", &save)) && p->n < PLANT_MAX_STR) {
            size_t hl = strlen(tok);
            if (hl == 0 || hl % 2) {
                fprintf(stderr, "gen_classify: %s:%zu: odd hex\n", path, lineno);
                return fclose(f), -1;
            }
            uint8_t *b = malloc(hl / 2);
            if (!b)
                return fclose(f), -1;
            for (size_t i = 0; i < hl / 2; i++) {
                int hi = tix__hex_value(tok[2 * i]), lo = tix__hex_value(tok[2 * i + 1]);
                if (hi < 0 || lo < 0) {
                    fprintf(stderr, "gen_classify: %s:%zu: bad hex\n", path, lineno);
                    free(b);
                    return fclose(f), -1;
                }
                b[i] = (uint8_t)(hi << 4 | lo);
            }
            p->s[p->n] = b;
            p->len[p->n++] = hl / 2;
        }
        if (p->n)
            nplants++;
    }
    fclose(f);
    return 0;
}

/* ---- benign content ---------------------------------------------------- */

static const char *const ascii_pool[] = {
    "GetProcAddress", "LoadLibraryA", "LoadLibraryExW", "VirtualAlloc", "VirtualProtect",
    "CreateFileW", "ReadFile", "WriteFile", "CloseHandle", "GetModuleHandleW",
    "GetLastError", "HeapAlloc", "HeapFree", "CreateThread", "WaitForSingleObject",
    "RegOpenKeyExW", "RegQueryValueExW", "RegSetValueExW", "InternetOpenA",
    "InternetConnectW", "HttpSendRequestW", "WSAStartup", "connect", "send", "recv",
    "GetSystemTimeAsFileTime", "QueryPerformanceCounter", "IsDebuggerPresent",
    "EnterCriticalSection", "LeaveCriticalSection", "MultiByteToWideChar",
    "WideCharToMultiByte", "GetCommandLineW", "ExitProcess", "memcpy", "memset",
    "strlen", "malloc", "free", "printf", "__libc_start_main", "pthread_create",
    "dlopen", "dlsym", "getenv", "fopen", "fwrite", "socket", "getaddrinfo",
    "KERNEL32.dll", "USER32.dll", "ADVAPI32.dll", "WININET.dll", "WS2_32.dll",
    "ntdll.dll", "msvcrt.dll", "SHELL32.dll", "ole32.dll", "libc.so.6",
    "libpthread.so.0", "libssl.so.3", "libcrypto.so.3", "ld-linux-x86-64.so.2",
    "Software\\Microsoft\\Windows\\CurrentVersion\\Run",
    "Software\\Microsoft\\Windows NT\\CurrentVersion", "C:\\Users\\Public\\Documents",
    "C:\\Windows\\System32\\", "%s\\%s.log",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "http://www.microsoft.com/pki/certs/MicCodSigPCA_08-31-2010.crt",
    "http://crl.microsoft.com/pki/crl/products/MicrosoftTimeStampPCA.crl",
    "https://update.example.org/check?v=%d", "Global\\MsWinZonesCacheCounterMutexA",
    "D:\\a\\_work\\1\\s\\build\\Release\\app.pdb", "This program cannot be run in DOS mode.",
    "Copyright (C) 2023", "Invalid parameter passed to C runtime function.",
    "GCC: (Debian 12.2.0-14) 12.2.0", ".text", ".rdata", ".data", ".rsrc", ".reloc",
    "/usr/lib/x86_64-linux-gnu", "error: %s: %s\n", "%d.%d.%d.%d", "application/json",
    "Content-Type: ", "GET %s HTTP/1.1\r\nHost: %s\r\n", "%s failed: %d", "config.ini",
    "update", "session", "token", "module", "plugin", "download", "upload", "Release",
    "/index.php?id=", "sqlite3_prepare_v2", "SELECT * FROM moz_cookies",
    "vector<T> too long", "bad allocation", "std::runtime_error", "Unknown exception",
};

static const char *const wide_pool[] = {
    "FileDescription", "ProductName", "CompanyName", "LegalCopyright", "OriginalFilename",
    "FileVersion", "ProductVersion", "Microsoft Corporation", "Windows Update", "Settings",
    "Cancel", "An error occurred while installing.", "Program Files",
    "Software\\Microsoft\\Windows\\CurrentVersion\\Run", "Global\\", "Open", "Save As",
    "The file could not be opened.", "%s failed: %d", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
};

typedef struct {
    const char *op;
    uint8_t oplen, rnd; /* rnd: 0 none, 1 imm8/disp8, 4 rel32, 5 imm32 small */
} insn;

static const insn code_pool[] = {
    {"\x55", 1, 0},                 {"\x48\x89\xE5", 3, 0},        {"\x48\x83\xEC", 3, 1},
    {"\x48\x8B\x45", 3, 1},         {"\x89\x45", 2, 1},            {"\xE8", 1, 4},
    {"\xFF\x15", 2, 4},             {"\xC3", 1, 0},                {"\x48\x8D\x0D", 3, 4},
    {"\x33\xC0", 2, 0},             {"\x31\xC0", 2, 0},            {"\x85\xC0", 2, 0},
    {"\x74", 1, 1},                 {"\x75", 1, 1},                {"\x0F\x84", 2, 4},
    {"\xEB", 1, 1},                 {"\x41\x57", 2, 0},            {"\x48\x89\x5C\x24", 4, 1},
    {"\x8B\x4C\x24", 3, 1},         {"\x0F\xB6\x45", 3, 1},        {"\x48\x63\xC8", 3, 0},
    {"\xB8", 1, 5},                 {"\x5D", 1, 0},                {"\x41\x5F", 2, 0},
    {"\x48\x83\xC4", 3, 1},         {"\xC7\x45", 2, 5},            {"\x48\x8B\x05", 3, 4},
    {"\x48\x85\xC9", 3, 0},         {"\x4C\x8B\xC0", 3, 0},        {"\x48\x8B\xCB", 3, 0},
    {"\x66\x0F\x1F\x44\x00\x00", 6, 0}, {"\x89\xC7", 2, 0},        {"\x48\x8B\x7C\x24", 4, 1},
    {"\x83\xF8", 2, 1},             {"\x0F\x1F\x40\x00", 4, 0},    {"\x53", 1, 0},
};

static void put_rand(tix_buf *b, rng_t *r, size_t n)
{
    if (tix_buf_reserve(b, n + 8) < 0)
        return;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = rnext(r);
        memcpy(b->p + b->len + i, &v, 8);
    }
    b->len += n;
    b->p[b->len] = 0;
}

static void fill_code(tix_buf *b, rng_t *r, size_t n)
{
    size_t end = b->len + n;
    while (b->len < end) {
        const insn *in = &code_pool[rbelow(r, sizeof code_pool / sizeof *code_pool)];
        tix_buf_add(b, in->op, in->oplen);
        uint32_t v = (uint32_t)rnext(r);
        switch (in->rnd) {
        case 1: tix_buf_addc(b, (char)(v & 0xF8)); break;
        case 4: {
            int32_t rel = (int32_t)(v % 131072) - 65536;
            tix_buf_add(b, &rel, 4);
            break;
        }
        case 5: {
            uint32_t imm = v % 4096;
            tix_buf_add(b, &imm, 4);
            break;
        }
        default: break;
        }
        if (in->op[0] == '\xC3' && (v >> 16) % 3 == 0) /* padding between functions */
            for (uint32_t k = (v >> 20) % 16; k > 0; k--)
                tix_buf_addc(b, '\xCC');
    }
    b->len = end;
}

static void fill_strings(tix_buf *b, rng_t *r, size_t n, int wide)
{
    size_t end = b->len + n;
    while (b->len < end) {
        const char *s = wide ? wide_pool[rbelow(r, sizeof wide_pool / sizeof *wide_pool)]
                             : ascii_pool[rbelow(r, sizeof ascii_pool / sizeof *ascii_pool)];
        if (wide) {
            for (; *s; s++) {
                tix_buf_addc(b, *s);
                tix_buf_addc(b, 0);
            }
            tix_buf_add(b, "\0\0", 2);
        } else {
            tix_buf_add(b, s, strlen(s) + 1);
            if (rbelow(r, 4) == 0) /* alignment */
                while (b->len % 4)
                    tix_buf_addc(b, 0);
        }
    }
    b->len = end;
}

static void fill_table(tix_buf *b, rng_t *r, size_t n)
{
    size_t end = b->len + n;
    uint64_t base = 0x140001000ull + (uint64_t)rbelow(r, 0x100000) * 16;
    while (b->len < end) {
        uint64_t v = base + rbelow(r, 0x40000);
        tix_buf_add(b, &v, 8);
    }
    b->len = end;
}

/* Content from b->len up to size: sections of each kind. */
static void fill_body(tix_buf *b, rng_t *r, size_t size)
{
    if (tix_buf_reserve(b, size - b->len + 64) < 0)
        return;
    while (b->len < size) {
        size_t n = 256 + rbelow(r, 16384);
        if (n > size - b->len)
            n = size - b->len;
        uint32_t k = rbelow(r, 100);
        if (k < 40)
            fill_code(b, r, n);
        else if (k < 55) {
            if (tix_buf_reserve(b, n) == 0) {
                memset(b->p + b->len, 0, n);
                b->len += n;
            }
        } else if (k < 70)
            fill_strings(b, r, n, 0);
        else if (k < 78)
            fill_strings(b, r, n, 1);
        else if (k < 93)
            put_rand(b, r, n);
        else
            fill_table(b, r, n);
    }
    b->len = size;
}

/* ---- C&C endpoints -------------------------------------------------------- */

static const char *const tlds[] = {"com", "net", "org", "xyz", "top", "ru", "info", "biz",
                                   "online", "site", "cc", "io"};
static const char *const words[] = {"cdn", "update", "sync", "static", "api", "mail", "cloud",
                                    "files", "img", "secure", "login", "data", "edge", "node"};
static const char *const paths[] = {"/gate.php", "/api/v1/beacon", "/index.php", "/wp/admin.php",
                                    "/news/feed", "/s/check", "/b", "/upload.aspx"};

static void make_host(rng_t *r, char *out, size_t cap)
{
    if (rbelow(r, 2)) {
        snprintf(out, cap, "%u.%u.%u.%u", 5 + rbelow(r, 218), rbelow(r, 256), rbelow(r, 256),
                 1 + rbelow(r, 254));
    } else {
        snprintf(out, cap, "%s%u-%s.%s", words[rbelow(r, 14)], rbelow(r, 10000),
                 words[rbelow(r, 14)], tlds[rbelow(r, 12)]);
    }
}

/* "scheme://host:port/path" or "host:port"; hosts of at most 63 bytes */
static void make_c2(rng_t *r, const rng_t *pool, const char *scheme, int path, char *out,
                    size_t cap)
{
    char host[128];
    if (rbelow(r, 5) == 0) { /* shared infrastructure: one of 64 pool hosts */
        rng_t p = {pool->s + rbelow(r, 64) * 0x1000193ull};
        make_host(&p, host, sizeof host);
    } else {
        make_host(r, host, sizeof host);
    }
    static const int ports[] = {80, 443, 8080, 8443, 447, 995, 2222, 4443, 7001, 23, 2323};
    int port = ports[rbelow(r, 11)];
    if (!scheme)
        snprintf(out, cap, "%s:%d", host, port);
    else
        snprintf(out, cap, "%s://%s:%d%s", scheme, host, port, path ? paths[rbelow(r, 8)] : "");
}

/* A family sample's spec: its build, format, campaign and C&Cs. */
static void make_family(sg_spec *s, rng_t *r, const rng_t *pool, uint32_t k, char c2s[16][300])
{
    static const char *const campaigns[] = {"spring24", "tax-season", "ops-7", "bluebird",
                                            "q3-invoice", "nordic", "shipping", "hr-lure"};
    static char botnet[16];
    switch (k % 4) {
    case 0: /* PlumLoader: PE, http(s) C&Cs with a path, builds 1 and 2 */
        s->family = "plumloader";
        s->format = "pe";
        s->build = rbelow(r, 4) == 0 ? "1" : "2";
        s->campaign = campaigns[rbelow(r, 8)];
        s->nc2 = 1 + rbelow(r, 4);
        for (size_t c = 0; c < s->nc2; c++)
            make_c2(r, pool, rbelow(r, 3) ? "https" : "http", 1, c2s[c], 300);
        break;
    case 1: /* Kestrel: PE or ELF, host:port (now and then http://) */
        s->family = "kestrel";
        s->format = rbelow(r, 10) < 7 ? "pe" : "elf";
        s->build = rbelow(r, 3) == 0 ? "1" : "2";
        s->campaign = campaigns[rbelow(r, 8)];
        s->nc2 = 1 + rbelow(r, 4);
        for (size_t c = 0; c < s->nc2; c++)
            make_c2(r, pool, rbelow(r, 4) ? NULL : "http", 0, c2s[c], 300);
        break;
    default: /* Gorse: ELF, tcp host:port, old layout (one C&C) and new */
        s->family = "gorse";
        s->format = "elf";
        s->build = k % 4 == 2 ? "1" : "2";
        snprintf(botnet, sizeof botnet, "%u", 1000 + rbelow(r, 9000));
        s->campaign = botnet;
        s->nc2 = k % 4 == 2 ? 1 : 1 + rbelow(r, 4);
        for (size_t c = 0; c < s->nc2; c++)
            make_c2(r, pool, NULL, 0, c2s[c], 300);
        break;
    }
    for (size_t c = 0; c < s->nc2; c++)
        s->c2[c] = c2s[c];
}

/* ---- main ------------------------------------------------------------------- */

#define KEEP 0x400 /* samplegen's bytes kept at each end of a benign file */
#define MIN_SIZE 16384
#define MAX_SIZE 409600

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *o = fopen(path, "wb");
    if (!o || fwrite(p, 1, n, o) != n || fclose(o) != 0) {
        fprintf(stderr, "gen_classify: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 7) {
        fprintf(stderr, "usage: gen_classify PLANTS DIR MANIFEST [COUNT [BYTES [SEED]]]\n");
        return 2;
    }
    const char *dir = argv[2];
    size_t count = argc > 4 ? strtoul(argv[4], NULL, 10) : 20000;
    uint64_t total = argc > 5 ? strtoull(argv[5], NULL, 10) : 2200000000ull;
    uint64_t seed = argc > 6 ? strtoull(argv[6], NULL, 10) : 42;
    if (count == 0 || total < (uint64_t)count * MIN_SIZE || total > (uint64_t)count * MAX_SIZE) {
        fprintf(stderr, "gen_classify: BYTES must be COUNT x %d to COUNT x %d\n", MIN_SIZE,
                MAX_SIZE);
        return 2;
    }
    if (load_plants(argv[1]) < 0)
        return 1;
    /* the rules that fire in the wild: every fourth; the near misses: all */
    size_t *active = malloc(nplants * sizeof *active), nactive = 0, ntrig = 0;
    size_t *partial = malloc(nplants * sizeof *partial), npartial = 0;
    if (!active || !partial)
        return 1;
    for (size_t i = 0; i < nplants; i++) {
        if (plants[i].kind == 'T' && ntrig++ % 4 == 0)
            active[nactive++] = i;
        else if (plants[i].kind == 'P')
            partial[npartial++] = i;
    }
    if (!nactive) {
        fprintf(stderr, "gen_classify: no rules to plant in %s\n", argv[1]);
        return 1;
    }

    /* sizes: a long tail from MIN_SIZE up, scaled to the total */
    size_t *size = malloc(count * sizeof *size);
    if (!size)
        return 1;
    rng_t sr = {seed};
    double var = 0, want = (double)(total - (uint64_t)count * MIN_SIZE);
    double *u = malloc(count * sizeof *u);
    if (!u)
        return 1;
    for (size_t i = 0; i < count; i++) {
        double x = runit(&sr);
        u[i] = x * x * x;
        var += u[i];
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < count; i++) {
        double v = u[i] / var * want;
        if (v > MAX_SIZE - MIN_SIZE)
            v = MAX_SIZE - MIN_SIZE;
        size[i] = MIN_SIZE + (size_t)v;
        sum += size[i];
    }
    for (size_t i = 0; sum < total; i = (i + 1) % count) { /* what rounding and the cap left */
        size_t add = total - sum < 4096 ? (size_t)(total - sum) : 4096;
        if (size[i] + add <= MAX_SIZE) {
            size[i] += add;
            sum += add;
        }
    }
    free(u);

    FILE *man = fopen(argv[3], "w");
    if (!man) {
        fprintf(stderr, "gen_classify: %s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "gen_classify: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    rng_t pool = {seed ^ 0xC2C2C2C2ull};
    tix_buf b = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    char path[4096], err[256], c2s[16][300], planted[1024];
    static char tail[KEEP];
    size_t nfam = 0, nmatch = 0, nnear = 0;
    for (size_t i = 0; i < count; i++) {
        rng_t r = {seed * 0x100000001B3ull + i * 0x9E3779B97F4A7C15ull};
        rnext(&r);
        if (i % 500 == 0) {
            snprintf(path, sizeof path, "%s/d%02zu", dir, i / 500);
            if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                fprintf(stderr, "gen_classify: %s: %s\n", path, strerror(errno));
                return 1;
            }
        }
        tix_buf_reset(&b);
        sg_spec s;
        memset(&s, 0, sizeof s);
        s.seed = rnext(&r);
        s.size = size[i];
        const char *label = "benign";
        strcpy(planted, "-");
        uint32_t k = rbelow(&r, 1000);
        if (k < 30) { /* a family sample */
            make_family(&s, &r, &pool, k, c2s);
            label = s.family;
            if (sg_generate(&s, &b, err, sizeof err) < 0) {
                fprintf(stderr, "gen_classify: sample %zu (%s): %s\n", i, s.family, err);
                return 1;
            }
            nfam++;
        } else {
            /* samplegen's headers (and an ELF's section table at the end),
             * our sections between them */
            int elf = rbelow(&r, 4) == 0;
            s.family = "benign";
            s.format = elf ? "elf" : "pe";
            if (sg_generate(&s, &b, err, sizeof err) < 0) {
                fprintf(stderr, "gen_classify: benign %zu: %s\n", i, err);
                return 1;
            }
            if (b.len != size[i]) {
                fprintf(stderr, "gen_classify: benign %zu: %zu bytes, not %zu\n", i, b.len,
                        size[i]);
                return 1;
            }
            memcpy(tail, b.p + b.len - KEEP, KEEP);
            b.len = KEEP;
            fill_body(&b, &r, size[i]);
            if (b.err != TIX_EOK)
                break;
            memcpy(b.p + b.len - KEEP, tail, KEEP);
            /* what to plant: strings that make rules match, a near miss */
            size_t chosen[3], nchosen = 0;
            uint32_t m = rbelow(&r, 1000);
            if (m < 50) {
                chosen[nchosen++] = active[rbelow(&r, (uint32_t)nactive)];
                if (m < 10)
                    chosen[nchosen++] = active[rbelow(&r, (uint32_t)nactive)];
            }
            if (rbelow(&r, 8) == 0 && npartial)
                chosen[nchosen++] = partial[rbelow(&r, (uint32_t)npartial)];
            size_t pl = 0, nslots = 1, slot = 0;
            for (size_t c = 0; c < nchosen; c++)
                nslots += plants[chosen[c]].n;
            /* each string in its own stretch of the body */
            size_t lo = KEEP, span = (size[i] - 2 * KEEP) / nslots;
            for (size_t c = 0; c < nchosen; c++) {
                const plant *p = &plants[chosen[c]];
                if (p->fmt != FMT_ANY && p->fmt != (elf ? FMT_ELF : FMT_PE))
                    continue; /* a PE rule in an ELF file (or back) is left out */
                for (size_t j = 0; j < p->n; j++, slot++) {
                    size_t at = lo + slot * span;
                    if (p->len[j] + 16 < span)
                        at += rbelow(&r, (uint32_t)(span - p->len[j] - 16));
                    memcpy(b.p + at, p->s[j], p->len[j]);
                }
                if (p->kind == 'T') {
                    pl += (size_t)snprintf(planted + pl, sizeof planted - pl, "%s%s",
                                           pl ? "," : "", p->name);
                    if (pl >= sizeof planted)
                        pl = sizeof planted - 1;
                } else {
                    nnear++;
                }
            }
            if (pl)
                nmatch++;
        }
        if (b.err != TIX_EOK) {
            fprintf(stderr, "gen_classify: file %zu: out of memory\n", i);
            return 1;
        }
        snprintf(path, sizeof path, "%s/d%02zu/f%05zu.bin", dir, i / 500, i);
        if (write_file(path, b.p, b.len) < 0)
            return 1;
        fprintf(man, "d%02zu/f%05zu.bin\t%zu\t%s\t%s\n", i / 500, i, b.len, label, planted);
    }
    if (fclose(man) != 0) {
        fprintf(stderr, "gen_classify: %s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    fprintf(stderr,
            "gen_classify: %zu files, %.1f MB: %zu family samples, %zu benign with rules "
            "planted, %zu near misses (%zu of %zu rules active)\n",
            count, (double)total / 1e6, nfam, nmatch, nnear, nactive, ntrig);
    tix_buf_free(&b);
    return 0;
}
