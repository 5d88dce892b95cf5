/* urlhaus.c - abuse.ch URLhaus database dump (csv.txt, csv_online.txt,
 * csv_recent).
 *
 * A '#' banner whose last line names the columns, then quoted rows:
 *   # id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
 *   "3915964","2026-09-13 13:43:26","http://42.229.169.27:32848/Mozi.m","online",
 *   "2026-09-13 13:43:26","malware_download","elf,iot,Mozi","https://...","HoneyLabs"
 * last_online is "" for URLs never seen online again; tags may be "None".
 */
#include <string.h>
#include <strings.h>

#include "feeds/csv.h"
#include "feeds/internal.h"

enum { F_ID, F_ADDED, F_URL, F_STATUS, F_LAST, F_THREAT, F_TAGS, F_LINK, F_REPORTER, F_COUNT };

typedef struct {
    tix_buf family, tags;
} scratch;

/* Tags that describe the file or the target, not the malware: the family
 * is the first tag that is none of these ("32-bit,elf,mips,Mozi" is Mozi). */
static const char *const generic[] = {
    "32-bit", "64-bit", "elf", "exe", "dll", "mips", "mipsel", "arm", "arm4", "arm5",
    "arm6", "arm7", "aarch64", "x86", "x86-64", "x86_64", "i686", "sh4", "ppc", "powerpc",
    "m68k", "sparc", "spc", "arc", "iot", "doc", "docx", "xls", "xlsx", "rtf", "zip",
    "rar", "7z", "gz", "js", "vbs", "ps1", "hta", "bat", "cmd", "msi", "apk", "jar",
    "lnk", "iso", "img", "pdf", "html", "txt", "bin", "sh", "bash", "opendir",
    "encrypted", "ascii", "powershell", "payload", "malware", "botnet", "geofenced",
};

static bool is_generic(const char *t, size_t n)
{
    if ((n > 11 && strncasecmp(t, "dropped-by-", 11) == 0) ||
        (n > 3 && strncasecmp(t, "ua-", 3) == 0))
        return true;
    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
        if (strlen(generic[i]) == n && strncasecmp(t, generic[i], n) == 0)
            return true;
    return false;
}

static const char *family_of(tix_buf *b, feed_field tags)
{
    const char *p = tags.p;
    size_t n = tags.n;
    while (n) {
        const char *comma = memchr(p, ',', n);
        size_t k = comma ? (size_t)(comma - p) : n;
        feed_field t = feed_trim((feed_field){p, k, 0});
        if (t.n && !feed_eq(t.p, t.n, "None") && !is_generic(t.p, t.n))
            return feed_str(b, t.p, t.n);
        p += k + (comma != NULL);
        n -= k + (comma != NULL);
    }
    tix_buf_reset(b);
    return NULL;
}

static tix_err row(feed_ctx *c, const feed_csv *r, void *ud)
{
    scratch *s = ud;
    const feed_field *f = r->f;
    uint64_t at = r->rec_line;
    tix_obs_in o;
    feed_obs_init(&o, at);
    feed_field url = feed_trim(f[F_URL]);
    if (url.n == 0)
        return feed_bad(c, at, NULL, "no url");
    o.type = TIX_OBS_URL;
    o.value = url.p;
    o.value_len = url.n;
    if (feed_time(f[F_ADDED].p, f[F_ADDED].n, &o.first_seen))
        return feed_bad(c, at, NULL, "bad dateadded '%.*s'",
                        FEED_SHOW(f[F_ADDED].p, f[F_ADDED].n));
    if (feed_time(f[F_LAST].p, f[F_LAST].n, &o.last_seen))
        return feed_bad(c, at, NULL, "bad last_online '%.*s'",
                        FEED_SHOW(f[F_LAST].p, f[F_LAST].n));
    o.last_seen = feed_last_seen(o.first_seen, o.last_seen);
    o.family = family_of(&s->family, f[F_TAGS]);
    tix_buf_reset(&s->tags);
    feed_tags_add(&s->tags, "", f[F_TAGS].p, f[F_TAGS].n);
    feed_tags_add(&s->tags, "", f[F_THREAT].p, f[F_THREAT].n);
    o.tags = s->tags.len ? s->tags.p : NULL;
    tix_err e = s->family.err ? s->family.err : s->tags.err;
    if (e)
        return tix_diag_set(c->d, e, "%s", tix_strerror(e));
    char id[TIX_STIX_ID_MAX];
    return feed_observe(c, &o, id);
}

/* Some copies carry the column names as a plain first row. */
static bool header(const feed_csv *r, void *ud)
{
    (void)ud;
    return r->nf > F_URL && feed_eq(r->f[F_ID].p, r->f[F_ID].n, "id") &&
           feed_eq(r->f[F_URL].p, r->f[F_URL].n, "url");
}

tix_err feed_urlhaus_csv(feed_ctx *c)
{
    scratch s = {TIX_BUF_INIT(0), TIX_BUF_INIT(0)};
    feed_csv_spec spec = {',', "URLhaus CSV", F_COUNT, false, header, row, &s};
    tix_err e = feed_csv_each(c, &spec);
    tix_buf_free(&s.family);
    tix_buf_free(&s.tags);
    return e;
}
