/* match_gen.c - inputs for bench/match: indicators and a BIND query log.
 *
 *   match_gen IND_CSV NAMES_TXT LOG NIND NLINES
 *
 * IND_CSV    NIND indicators, "type,value,family" with a header: 60%
 *            domains, 35% IPv4 addresses, 5% URLs (on indicator domains)
 * NAMES_TXT  the domain indicators, one per line (for grep -F -f)
 * LOG        NLINES lines of a BIND 9 query log (print-category and
 *            print-severity on), from 2,000 internal clients. 1% of the
 *            lines ask for an indicator (5,000 of them, the popular ones
 *            often, as beacons do), a third of those for a subdomain of
 *            it; the rest ask for benign names: a Zipf-like pick from
 *            200,000 names (with lookalikes of indicators: notevil.com
 *            beside evil.com, evil.com.example.net), a third of them
 *            behind a random CDN-style label.
 *
 * A fixed seed: the same arguments give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)((rnd() >> 32) * n >> 32);
}

static double unit(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static const char *const syl[] = {
    "ka", "lo", "mi", "ne", "po", "ra", "su", "ti", "ve", "zo", "an", "el", "in", "or",
    "up", "ba", "ce", "di", "fu", "go", "ha", "ji", "ku", "le", "ma", "no", "pi", "qu",
    "ri", "se", "to", "vu", "wa", "xe", "yo", "ze", "tech", "net", "web", "data", "cloud",
    "shop", "mail", "soft", "sys", "corp", "info", "box", "hub", "lab",
};
static const char *const tlds[] = {
    "com", "com", "com", "com", "net", "net", "org", "ru", "info", "xyz", "top", "io",
    "de", "co.uk", "fr", "cn", "biz", "online", "site", "club",
};
static const char *const fams[] = {
    "QakBot", "Emotet", "Dridex", "TrickBot", "IcedID", "Pikabot", "AsyncRAT", "Remcos",
    "CobaltStrike", "",
};
static const char *const qtypes[] = {"A", "A", "A", "A", "AAAA", "AAAA", "HTTPS", "MX", "TXT"};
static const char *const cdn[] = {"www", "cdn", "api", "static", "img", "m", "login", "mail"};

#define NSYL (sizeof syl / sizeof syl[0])
#define NTLD (sizeof tlds / sizeof tlds[0])

static void name(char *out, size_t cap, int minsyl)
{
    size_t n = 0;
    int k = minsyl + (int)below(3);
    for (int i = 0; i < k; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s", syl[below(NSYL)]);
    if (below(4) == 0)
        n += (size_t)snprintf(out + n, cap - n, "%u", below(100));
    snprintf(out + n, cap - n, ".%s", tlds[below(NTLD)]);
}

/* ---- a set of strings, to keep names distinct ----------------------------- */

static char **set;
static size_t setcap;

static uint64_t h64(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* Adds s; returns 0 when it was there. */
static int set_add(const char *s)
{
    for (size_t i = h64(s) & (setcap - 1);; i = (i + 1) & (setcap - 1)) {
        if (!set[i]) {
            set[i] = strdup(s);
            return 1;
        }
        if (strcmp(set[i], s) == 0)
            return 0;
    }
}

static void stamp(char *out, size_t cap, uint64_t ms)
{
    uint64_t s = ms / 1000;
    snprintf(out, cap, "%02u-May-2024 %02u:%02u:%02u.%03u", (unsigned)(22 + s / 86400 % 7),
             (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60), (unsigned)(s % 60),
             (unsigned)(ms % 1000));
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: match_gen IND_CSV NAMES_TXT LOG NIND NLINES\n");
        return 2;
    }
    size_t nind = strtoull(argv[4], NULL, 10), nlines = strtoull(argv[5], NULL, 10);
    size_t ndom = nind * 6 / 10, nip = nind * 35 / 100, nurl = nind - ndom - nip;
    size_t nbenign = 200000;
    setcap = 1;
    while (setcap < 2 * (ndom + nbenign + nurl + nip) + 1024)
        setcap <<= 1;
    set = calloc(setcap, sizeof *set);
    char **dom = malloc(ndom * sizeof *dom), **ben = malloc(nbenign * sizeof *ben);
    if (!set || !dom || !ben)
        return 1;
    FILE *ind = fopen(argv[1], "w"), *names = fopen(argv[2], "w");
    if (!ind || !names) {
        perror("match_gen");
        return 1;
    }
    fprintf(ind, "type,value,family\n");
    char buf[512], sub[64];
    for (size_t i = 0; i < ndom;) {
        name(buf, sizeof buf, 2);
        if (!set_add(buf))
            continue;
        dom[i++] = strdup(buf);
        fprintf(ind, "domain,%s,%s\n", buf, fams[below(10)]);
        fprintf(names, "%s\n", buf);
    }
    for (size_t i = 0; i < nip;) {
        /* public unicast, away from the private ranges the clients use */
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", 23 + below(150), below(256), below(256),
                 1 + below(254));
        if (!set_add(buf))
            continue;
        fprintf(ind, "ipv4,%s,%s\n", buf, fams[below(10)]);
        i++;
    }
    for (size_t i = 0; i < nurl;) {
        snprintf(buf, sizeof buf, "http://%s/%s%u/%s.php", dom[below((uint32_t)ndom)],
                 syl[below(NSYL)], below(1000), syl[below(NSYL)]);
        if (!set_add(buf))
            continue;
        fprintf(ind, "url,%s,%s\n", buf, fams[below(10)]);
        i++;
    }
    /* benign names, some of them lookalikes of indicators */
    for (size_t i = 0; i < nbenign;) {
        uint32_t k = below(100);
        if (k < 3)
            snprintf(buf, sizeof buf, "not%s", dom[below((uint32_t)ndom)]);
        else if (k < 5)
            snprintf(buf, sizeof buf, "%s.%s", dom[below((uint32_t)ndom)], "example.net");
        else
            name(buf, sizeof buf, 1);
        if (!set_add(buf))
            continue;
        ben[i++] = strdup(buf);
    }
    fclose(ind);
    fclose(names);

    FILE *log = fopen(argv[3], "w");
    if (!log) {
        perror("match_gen");
        return 1;
    }
    static char obuf[1 << 20];
    setvbuf(log, obuf, _IOFBF, sizeof obuf);
    size_t nhot = ndom < 5000 ? ndom : 5000;
    uint64_t ms = 0;
    char ts[64];
    for (size_t l = 0; l < nlines; l++) {
        ms += below(3);
        stamp(ts, sizeof ts, ms);
        const char *base;
        int subp;
        if (below(100) == 0) { /* 1%: an indicator, the popular ones often */
            base = dom[(size_t)(nhot * pow(unit(), 2.0))];
            subp = below(3) == 0;
        } else {
            base = ben[(size_t)(nbenign * pow(unit(), 3.0))];
            subp = below(3) == 0;
        }
        const char *q = base;
        if (subp) {
            if (below(2))
                snprintf(sub, sizeof sub, "%s", cdn[below(8)]);
            else
                snprintf(sub, sizeof sub, "r%u---sn-%08llx", below(10),
                         (unsigned long long)(rnd() & 0xffffffffull));
            snprintf(buf, sizeof buf, "%s.%s", sub, base);
            q = buf;
        }
        uint32_t cl = below(2000);
        fprintf(log,
                "%s queries: info: client @0x7f%010llx 10.%u.%u.%u#%u (%s): query: %s IN %s "
                "+E(0)K (10.0.0.53)\n",
                ts, (unsigned long long)(rnd() & 0xffffffffffull), 1 + cl / 250 % 8,
                cl / 10 % 25, 1 + cl % 250, 1024 + below(64000), q, q,
                qtypes[below(sizeof qtypes / sizeof qtypes[0])]);
    }
    if (fclose(log) != 0) {
        perror("match_gen");
        return 1;
    }
    return 0;
}
