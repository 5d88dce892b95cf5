/* psl.c - the public suffix list, and the caches that keep it off the
 * extractor's hot path. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "tix/hash.h"

static const psl_ctx_t *psl_ctx;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/* Which names can be public suffixes themselves? Only those whose last two
 * labels end some rule of two or more labels in the ICANN section of the
 * list ("co.uk", "kawasaki.jp" of "*.kawasaki.jp"), or that sit under a
 * wildcard TLD. Only they need the full (~300 ns) libpsl lookup. The keys
 * are read from the list's source text when the system has it (Debian's
 * publicsuffix package, the same data libpsl loads); without it every name
 * gets the full lookup. */
#define DEEP_SLOTS 32768
static uint32_t deep_off[DEEP_SLOTS]; /* 1 + offset into deep_str; 0 empty */
static char *deep_str;
static bool deep_known;

static bool deep_has(const char *key, size_t n)
{
    for (uint32_t h = tix_hash32(key, n, 0) % DEEP_SLOTS;; h = (h + 1) % DEEP_SLOTS) {
        if (deep_off[h] == 0)
            return false;
        const char *k = deep_str + deep_off[h] - 1;
        if (strncmp(k, key, n) == 0 && k[n] == '\0')
            return true;
    }
}

/* The last two labels of name[0..n) (or the whole name). */
static const char *last_two(const char *name, size_t n)
{
    const char *p = name + n;
    int dots = 0;
    while (p > name) {
        if (p[-1] == '.' && ++dots == 2)
            return p;
        p--;
    }
    return name;
}

/* Add key to the set (unless there); -1 when the set or memory is full. */
static int deep_insert(tix_buf *keys, const char *key, size_t kn, size_t *used)
{
    if (deep_has(key, kn))
        return 0;
    if (++*used > DEEP_SLOTS / 2 || keys->len > UINT32_MAX / 2)
        return -1;
    size_t off = keys->len;
    tix_buf_add(keys, key, kn);
    tix_buf_addc(keys, '\0');
    if (keys->err != TIX_EOK)
        return -1;
    deep_str = keys->p; /* may move as it grows: lookups use offsets */
    uint32_t h = tix_hash32(key, kn, 0) % DEEP_SLOTS;
    while (deep_off[h])
        h = (h + 1) % DEEP_SLOTS;
    deep_off[h] = (uint32_t)off + 1;
    return 0;
}

static void deep_load(void)
{
    FILE *f = fopen("/usr/share/publicsuffix/public_suffix_list.dat", "r");
    if (f == NULL)
        return;
    tix_buf keys = TIX_BUF_INIT(0);
    char line[512];
    bool icann = false, ok = true;
    size_t used = 0;
    tix_buf_addc(&keys, '\0');
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "===BEGIN ICANN DOMAINS==="))
            icann = true;
        if (strstr(line, "===END ICANN DOMAINS==="))
            break;
        if (!icann || line[0] == '/' || line[0] == '\n')
            continue;
        size_t n = strcspn(line, " \t\r\n");
        line[n] = '\0';
        char *rule = line[0] == '!' ? line + 1 : line;
        n = strlen(rule);
        if (strchr(rule, '.') == NULL)
            continue;
        /* "*.ck": every name under the TLD may be a suffix; the key is the
         * TLD itself, looked up as "*.tld" */
        const char *key = last_two(rule, n);
        size_t kn = strlen(key);
        bool ascii = true;
        for (size_t i = 0; i < kn; i++)
            if ((unsigned char)key[i] >= 0x80)
                ascii = false;
        if (!ascii)
            continue; /* U-label rules: names under them have an xn-- label
                       * and always get the full lookup */
        /* the key, and ".tld": this TLD has rules below it */
        const char *dot = strrchr(key, '.');
        const char *tl = dot ? dot + 1 : key;
        char mark[32];
        size_t ml = strlen(tl) + 1;
        if (ml < sizeof mark) {
            mark[0] = '.';
            memcpy(mark + 1, tl, ml);
        }
        if (deep_insert(&keys, key, kn, &used) != 0 ||
            (ml < sizeof mark && deep_insert(&keys, mark, ml, &used) != 0)) {
            ok = false;
            break;
        }
    }
    fclose(f);
    if (!ok || used == 0) {
        memset(deep_off, 0, sizeof deep_off);
        tix_buf_free(&keys);
        deep_str = NULL;
        return;
    }
    deep_str = keys.p; /* kept for the life of the process */
    deep_known = true;
}

/* Could name[0..n) (lower case, A-labels) be a public suffix itself? */
bool tix__maybe_suffix(const char *name, size_t n, const char *tld)
{
    if (!deep_known || memcmp(tld, "xn--", 4) == 0)
        return true;
    const char *key = last_two(name, n);
    if (memcmp(key, "xn--", 4) == 0 || deep_has(key, (size_t)(name + n - key)))
        return true;
    char star[32];
    size_t tn = (size_t)(name + n - tld);
    if (tn + 2 >= sizeof star)
        return true;
    star[0] = '*';
    star[1] = '.';
    memcpy(star + 2, tld, tn);
    return deep_has(star, tn + 2);
}

static void psl_load(void)
{
    /* psl_latest() prefers the system list when it is newer than the one
     * compiled into libpsl; fall back to the built-in one. */
    psl_ctx = psl_latest(NULL);
    if (psl_ctx == NULL)
        psl_ctx = psl_builtin();
    deep_load();
}

const psl_ctx_t *tix__psl(void)
{
    pthread_once(&psl_once, psl_load);
    return psl_ctx;
}


/* Cache of "is this label an ICANN top-level suffix", per thread, so the
 * common rejections (txt, exe, dll) cost a table probe, not a PSL walk. */
#define TLD_CACHE 4096
struct tld_slot {
    char name[24];
    signed char known; /* 0 empty, 1 yes, -1 no */
    signed char deep;  /* names below may be suffixes themselves */
};
static _Thread_local struct tld_slot tld_cache[TLD_CACHE];

int tix__tld_flags(const char *tld, size_t n)
{
    if (n == 0 || n >= sizeof tld_cache[0].name)
        return 0;
    struct tld_slot *slot = &tld_cache[tix_hash32(tld, n, 0) % TLD_CACHE];
    if (slot->known && memcmp(slot->name, tld, n) == 0 && slot->name[n] == 0)
        return (slot->known > 0 ? TIX_TLD_KNOWN : 0) | (slot->deep ? TIX_TLD_DEEP : 0);
    char z[25];
    z[0] = '.';
    memcpy(z + 1, tld, n);
    z[n + 1] = '\0';
    bool yes = psl_is_public_suffix2(tix__psl(), z + 1,
                                     PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
    bool deep = !deep_known || (n > 4 && memcmp(tld, "xn--", 4) == 0) ||
                deep_has(z, n + 1);
    memcpy(slot->name, z + 1, n + 1);
    slot->known = yes ? 1 : -1;
    slot->deep = deep;
    return (yes ? TIX_TLD_KNOWN : 0) | (deep ? TIX_TLD_DEEP : 0);
}
