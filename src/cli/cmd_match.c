/* cmd_match.c - tix match: the store's indicators in a CERT's own logs.
 *
 * Every IPv4, IPv6, domain and URL observable (after the filters) goes
 * into one matcher, with its store id as the payload, so all this command
 * keeps of an indicator is its confidence (a byte, by id). What an
 * indicator that hits is known for (its value, malware family and sources,
 * from its evidence; its STIX id) is read when it first hits, and kept in
 * the form it is printed in. Logs are matched a piece
 * at a time (16 MiB, cut at a line end): a mapped file's matched pages are
 * let go, a pipe is read into one buffer, so memory does not grow with the
 * log. Exit status as grep's: 0 something matched, 1 nothing did, 2 an
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tix/match.h"

#define MATCHABLE                                                                        \
    (TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6) | TIX_OBS_BIT(TIX_OBS_DOMAIN) | \
     TIX_OBS_BIT(TIX_OBS_URL))
#define ACTIVE_DAYS 30
#define FLUSH_AT (1u << 20)
#define PIECE ((size_t)16 << 20)

typedef struct {
    tix_store *s;
    tix_matcher *m;
    uint64_t unusable;     /* values the matcher could not take */
    uint8_t *conf;         /* confidence by observable id (1 byte each) */
    size_t nconf;
    tix_err err;           /* of the load */
    tix_diag d;
    /* indicators that hit: id -> 1 + offset of what they print in info */
    uint32_t *hit_id, *hit_off;
    size_t hit_mask, nhit;
    tix_buf info;
    /* output */
    int jsonl;
    const char *file;
    size_t file_len;
    tix_buf file_json;     /* file, escaped for JSON */
    tix_buf out;
    int failed;            /* a write or store error: stop */
} match_ctx;

/* ---- loading ------------------------------------------------------------ */

static int on_obs(void *ud, const tix_obs_rec *r)
{
    match_ctx *c = ud;
    /* What vetting blocked (a sinkhole, a resolver, a reference site) is
     * no one's contact with a criminal: it is never matched. */
    if (r->status == TIX_VET_BLOCKED)
        return 0;
    /* A URL's host is kept as its context, without evidence of its own: no
     * one said it is bad (think of a file host), so it is not matched. */
    if (r->n_evidence == 0)
        return 0;
    if (r->id <= 0 || r->id > UINT32_MAX) {
        c->err = tix_diag_set(&c->d, TIX_ETOOBIG, "observable id %lld is beyond what match "
                              "can carry", (long long)r->id);
        return 1;
    }
    if ((size_t)r->id >= c->nconf) { /* ids come in order: this doubles */
        size_t n = c->nconf ? c->nconf : 1 << 16;
        while (n <= (size_t)r->id)
            n *= 2;
        uint8_t *v = realloc(c->conf, n);
        if (!v) {
            c->err = tix_diag_set(&c->d, TIX_ENOMEM, "out of memory");
            return 1;
        }
        memset(v + c->nconf, 0, n - c->nconf);
        c->conf = v;
        c->nconf = n;
    }
    c->conf[r->id] = (uint8_t)r->confidence;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_matcher_add(c->m, r->type, r->value, strlen(r->value), (uint32_t)r->id,
                                &d);
    if (e == TIX_EPARSE || e == TIX_EINVAL) {
        c->unusable++;
        return 0;
    }
    if (e) {
        c->err = tix_diag_set(&c->d, e, "%s", d.msg);
        return 1;
    }
    return 0;
}

/* ---- what a hit indicator is known for ---------------------------------- */

#define MAX_FAMILIES 32
#define MAX_SOURCES 64

typedef struct {
    char value[TIX_OBS_VALUE_MAX + 1];
    char fam[MAX_FAMILIES][64];
    unsigned famn[MAX_FAMILIES], nfam;
    char src[MAX_SOURCES][128];
    unsigned nsrc;
} ev_ctx;

static int on_ev(void *ud, const tix_evidence_rec *r)
{
    ev_ctx *e = ud;
    if (!e->value[0] && r->value)
        snprintf(e->value, sizeof e->value, "%s", r->value);
    const char *f = r->ev.family;
    if (f && *f) {
        unsigned i = 0;
        while (i < e->nfam && strncmp(e->fam[i], f, sizeof e->fam[0] - 1) != 0)
            i++;
        if (i == e->nfam && e->nfam < MAX_FAMILIES)
            snprintf(e->fam[e->nfam++], sizeof e->fam[0], "%s", f);
        if (i < e->nfam)
            e->famn[i]++;
    }
    if (r->source) {
        unsigned i = 0;
        while (i < e->nsrc && strncmp(e->src[i], r->source, sizeof e->src[0] - 1) != 0)
            i++;
        if (i == e->nsrc && e->nsrc < MAX_SOURCES)
            snprintf(e->src[e->nsrc++], sizeof e->src[0], "%s", r->source);
    }
    return 0;
}

/* Where id is in the cache, or the free slot where it goes. */
static size_t slot_of(const match_ctx *c, uint32_t id)
{
    size_t i = (id * 2654435761u) & c->hit_mask;
    while (c->hit_id[i] && c->hit_id[i] != id)
        i = (i + 1) & c->hit_mask;
    return i;
}

static int cache_grow(match_ctx *c)
{
    size_t cap = c->hit_id ? (c->hit_mask + 1) * 2 : 1024;
    uint32_t *id = calloc(cap, sizeof *id), *off = calloc(cap, sizeof *off);
    if (!id || !off) {
        free(id);
        free(off);
        return -1;
    }
    uint32_t *oid = c->hit_id, *ooff = c->hit_off;
    size_t ocap = c->hit_id ? c->hit_mask + 1 : 0;
    c->hit_id = id;
    c->hit_off = off;
    c->hit_mask = cap - 1;
    for (size_t k = 0; k < ocap; k++)
        if (oid[k]) {
            size_t i = slot_of(c, oid[k]);
            id[i] = oid[k];
            off[i] = ooff[k];
        }
    free(oid);
    free(ooff);
    return 0;
}

/* What a hit prints of its indicator, kept from its first hit: the text
 * output's "VALUE (TYPE) family=F source=S confidence=C | " and the JSON
 * members from "value" to "confidence", each behind its length. */
typedef struct {
    const char *text, *json;
    uint32_t text_len, json_len;
} shown;

static void json_key(tix_buf *b, const char *key, const char *v, size_t n)
{
    tix_buf_addf(b, ",\"%s\":", key);
    if (!v) {
        tix_buf_adds(b, "null");
        return;
    }
    tix_buf_addc(b, '"');
    tix_buf_add_json(b, v, n);
    tix_buf_addc(b, '"');
}

/* Append a length-prefixed string made by the caller at off + 4. */
static void close_part(tix_buf *b, size_t off)
{
    if (!b->err) {
        uint32_t n = (uint32_t)(b->len - off - 4);
        memcpy(b->p + off, &n, 4);
    }
}

/* The record of indicator id, read from the store the first time. */
static int shown_of(match_ctx *c, uint32_t id, tix_obs_type type, const char *hit,
                    size_t hit_len, shown *out)
{
    size_t off = 0;
    if (c->hit_id) {
        size_t i = slot_of(c, id);
        if (c->hit_id[i])
            off = c->hit_off[i];
    }
    if (!off) {
        if ((c->nhit + 1) * 2 > (c->hit_id ? c->hit_mask + 1 : 0) && cache_grow(c)) {
            cli_error("match", "out of memory");
            return -1;
        }
        ev_ctx *e = calloc(1, sizeof *e);
        tix_diag d = TIX_DIAG_INIT;
        if (!e) {
            cli_error("match", "out of memory");
            return -1;
        }
        if (tix_store_evidence_each(c->s, id, on_ev, e, &d) != TIX_EOK) {
            cli_error("match", "%s", d.msg);
            free(e);
            return -1;
        }
        char stix_id[TIX_STIX_ID_MAX] = "";
        int conf = id < c->nconf ? c->conf[id] : 0;
        if (!e->value[0]) /* no evidence: what the log says */
            snprintf(e->value, sizeof e->value, "%.*s", (int)hit_len, hit);
        else if (tix_obs_stix_id(type, e->value, strlen(e->value), stix_id, &d))
            tix_diag_clear(&d);
        /* the most frequent family; the first seen on a tie */
        unsigned best = 0;
        for (unsigned k = 1; k < e->nfam; k++)
            if (e->famn[k] > e->famn[best])
                best = k;
        const char *fam = e->nfam ? e->fam[best] : NULL, *tn = tix_obs_name(type);
        tix_buf *b = &c->info;
        off = b->len;
        tix_buf_add(b, "\0\0\0\0", 4);
        tix_buf_addf(b, "%s (%s) family=%s source=", e->value, tn, fam ? fam : "-");
        for (unsigned k = 0; k < e->nsrc; k++) {
            if (k)
                tix_buf_addc(b, ',');
            tix_buf_adds(b, e->src[k]);
        }
        tix_buf_addf(b, "%s confidence=%d | ", e->nsrc ? "" : "-", conf);
        close_part(b, off);
        size_t joff = b->len;
        tix_buf_add(b, "\0\0\0\0", 4);
        json_key(b, "value", e->value, strlen(e->value));
        json_key(b, "type", tn, strlen(tn));
        json_key(b, "stix_id", stix_id[0] ? stix_id : NULL, strlen(stix_id));
        json_key(b, "family", fam, fam ? strlen(fam) : 0);
        tix_buf_adds(b, ",\"sources\":[");
        for (unsigned k = 0; k < e->nsrc; k++) {
            tix_buf_adds(b, k ? ",\"" : "\"");
            tix_buf_add_json(b, e->src[k], strlen(e->src[k]));
            tix_buf_addc(b, '"');
        }
        tix_buf_addf(b, "],\"confidence\":%d", conf);
        close_part(b, joff);
        free(e);
        if (b->err || off + 1 >= UINT32_MAX) {
            cli_error("match", "out of memory");
            return -1;
        }
        size_t i = slot_of(c, id);
        c->hit_id[i] = id;
        c->hit_off[i] = (uint32_t)++off; /* 1 + offset: 0 is a free slot */
        c->nhit++;
    }
    const char *p = c->info.p + off - 1;
    memcpy(&out->text_len, p, 4);
    out->text = p + 4;
    memcpy(&out->json_len, out->text + out->text_len, 4);
    out->json = out->text + out->text_len + 4;
    return 0;
}

/* ---- output ------------------------------------------------------------- */

/* The log line for a terminal: control characters (escape sequences in
 * hostile logs) as \xHH. */
static void add_line(tix_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && ((unsigned char)s[j] >= 0x20 || s[j] == '\t') && s[j] != 0x7f)
            j++;
        tix_buf_add(b, s + i, j - i);
        if (j == n)
            break;
        char esc[4] = {'\\', 'x', hex[(unsigned char)s[j] >> 4], hex[s[j] & 15]};
        tix_buf_add(b, esc, 4);
        i = j + 1;
    }
}

static int on_hit(void *ud, const tix_log_match *h)
{
    match_ctx *c = ud;
    shown sh;
    if (shown_of(c, h->payload, h->type, h->hit, h->hit_len, &sh)) {
        c->failed = 1;
        return 1;
    }
    tix_buf *b = &c->out;
    if (c->jsonl) {
        tix_buf_add(b, "{\"file\":\"", 9);
        tix_buf_add(b, c->file_json.p, c->file_json.len);
        tix_buf_add(b, "\",\"line\":", 9);
        tix_buf_add_u64(b, h->line);
        tix_buf_add(b, sh.json, sh.json_len);
        tix_buf_add(b, ",\"hit\":\"", 8);
        tix_buf_add_json(b, h->hit, h->hit_len);
        tix_buf_add(b, "\",\"log\":\"", 9);
        tix_buf_add_json(b, h->text, h->len);
        tix_buf_add(b, "\"}\n", 3);
    } else {
        tix_buf_add(b, c->file, c->file_len);
        tix_buf_addc(b, ':');
        tix_buf_add_u64(b, h->line);
        tix_buf_add(b, ": ", 2);
        tix_buf_add(b, sh.text, sh.text_len);
        add_line(b, h->text, h->len);
        tix_buf_addc(b, '\n');
    }
    if (b->len >= FLUSH_AT) {
        if (b->err || cli_write(stdout, b->p, b->len)) {
            c->failed = 1;
            return 1;
        }
        tix_buf_reset(b);
    }
    return 0;
}

/* ---- one log ------------------------------------------------------------ */

/* Match path ("-": standard input) a piece at a time. Returns 0, or -1
 * after reporting an error. */
static int match_file(match_ctx *c, const char *path, const tix_log_opts *base,
                      tix_match_stats *st)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        cli_error("match", "%s: %s", path, strerror(errno));
        if (fd > 0)
            close(fd);
        return -1;
    }
    if (S_ISDIR(sb.st_mode)) {
        cli_error("match", "%s: is a directory", path);
        if (!is_stdin)
            close(fd);
        return -1;
    }
    c->file = is_stdin ? "(stdin)" : path;
    c->file_len = strlen(c->file);
    tix_buf_reset(&c->file_json);
    tix_buf_add_json(&c->file_json, c->file, c->file_len);
    if (c->file_json.err) {
        cli_error("match", "out of memory");
        if (!is_stdin)
            close(fd);
        return -1;
    }
    tix_log_state state = {0};
    tix_log_opts lo = *base;
    lo.state = &state;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = TIX_EOK;
    int rc = 0;
    char *map = MAP_FAILED;
    size_t size = (size_t)sb.st_size;
    if (S_ISREG(sb.st_mode) && sb.st_size > 0)
        map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
        long pg = sysconf(_SC_PAGESIZE);
        size_t page = pg > 0 ? (size_t)pg : 4096, released = 0;
        madvise(map, size, MADV_SEQUENTIAL);
        for (size_t pos = 0; pos < size && !e;) {
            size_t cut = size;
            if (size - pos > PIECE) {
                const char *nl = memrchr(map + pos, '\n', PIECE);
                if (!nl) /* a line longer than a piece */
                    nl = memchr(map + pos + PIECE, '\n', size - pos - PIECE);
                cut = nl ? (size_t)(nl - map) + 1 : size;
            }
            e = tix_match_log(c->m, &lo, map + pos, cut - pos, c->file, on_hit, c, st, &d);
            pos = cut;
            size_t done = pos / page * page; /* what is matched leaves memory */
            if (done > released) {
                madvise(map + released, done - released, MADV_DONTNEED);
                released = done;
            }
        }
        munmap(map, size);
    } else { /* a pipe: read a piece, match it up to its last line end */
        size_t cap = PIECE, len = 0;
        char *buf = malloc(cap);
        bool eof = false;
        if (!buf) {
            cli_error("match", "out of memory");
            rc = -1;
        }
        while (buf && !eof && !e) {
            while (len < cap) {
                ssize_t r = read(fd, buf + len, cap - len);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r < 0) {
                    cli_error("match", "%s: %s", c->file, strerror(errno));
                    rc = -1;
                    eof = true;
                    break;
                }
                if (r == 0) {
                    eof = true;
                    break;
                }
                len += (size_t)r;
            }
            if (rc)
                break;
            const char *nl = eof ? NULL : memrchr(buf, '\n', len);
            size_t cut = eof ? len : nl ? (size_t)(nl - buf) + 1 : 0;
            if (cut) {
                e = tix_match_log(c->m, &lo, buf, cut, c->file, on_hit, c, st, &d);
                memmove(buf, buf + cut, len - cut);
                len -= cut;
            } else if (len == cap) { /* one line fills the buffer */
                char *nb = cap < ((size_t)1 << 31) ? realloc(buf, cap * 2) : NULL;
                if (!nb) {
                    cli_error("match", "%s: a line longer than %zu bytes", c->file, cap);
                    rc = -1;
                    break;
                }
                buf = nb;
                cap *= 2;
            }
        }
        free(buf);
    }
    if (!is_stdin)
        close(fd);
    if (e && !c->failed) {
        cli_error("match", "%s", d.msg);
        rc = -1;
    }
    return c->failed ? -1 : rc;
}

/* ---- the command -------------------------------------------------------- */

static const char *match_usage =
    "usage: tix match [--format tokens|dns|proxy|csv|jsonl] [--field N] [--active]\n"
    "                 [--min-confidence N] [--type LIST] [--output text|jsonl] LOG...\n";

static int parse_format(const char *s, tix_log_format *f)
{
    static const struct {
        const char *name;
        tix_log_format f;
    } names[] = {
        {"tokens", TIX_LOG_TOKENS}, {"dns", TIX_LOG_DNS},     {"proxy", TIX_LOG_PROXY},
        {"csv", TIX_LOG_CSV},       {"jsonl", TIX_LOG_JSONL},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *f = names[i].f;
            return 0;
        }
    return -1;
}

int cmd_match(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"field", required_argument, NULL, 'F'},
        {"active", no_argument, NULL, 'a'},
        {"min-confidence", required_argument, NULL, 'c'},
        {"type", required_argument, NULL, 't'},
        {"types", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    /* in id order: no sort of a million rows before the first log line */
    tix_obs_filter f = {.types = MATCHABLE, .by_id = true};
    tix_log_opts lo = {TIX_LOG_TOKENS, 0, NULL};
    bool active = false;
    int jsonl = 0, o;
    long field = 0;
    char *end;
    tix_diag d = TIX_DIAG_INIT;
    optind = 1;
    while ((o = getopt_long(argc, argv, "f:t:o:", opts, NULL)) != -1) {
        switch (o) {
        case 'f':
            if (parse_format(optarg, &lo.format)) {
                cli_error("match", "--format is tokens, dns, proxy, csv or jsonl");
                return 2;
            }
            break;
        case 'F':
            field = strtol(optarg, &end, 10);
            if (*end || field < 1 || field > 1000000) {
                cli_error("match", "--field is a field number, from 1");
                return 2;
            }
            break;
        case 'a': active = true; break;
        case 'c': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100) {
                cli_error("match", "--min-confidence is a number from 0 to 100");
                return 2;
            }
            f.min_confidence = (int)v;
            break;
        }
        case 't':
            if (tix_obs_parse_types(optarg, &f.types, &d) != TIX_EOK) {
                cli_error("match", "%s", d.msg);
                return 2;
            }
            if (f.types & ~(uint32_t)MATCHABLE) {
                cli_error("match", "--type: only ipv4, ipv6, domain and url are matched in logs");
                return 2;
            }
            break;
        case 'o':
            if (strcmp(optarg, "text") == 0)
                jsonl = 0;
            else if (strcmp(optarg, "jsonl") == 0)
                jsonl = 1;
            else {
                cli_error("match", "--output is text or jsonl");
                return 2;
            }
            break;
        case 'D': cli_set_db(optarg); break;
        default: fputs(match_usage, stderr); return 2;
        }
    }
    if (optind == argc) {
        fputs(match_usage, stderr);
        return 2;
    }
    if (field) {
        if (lo.format == TIX_LOG_TOKENS)
            lo.format = TIX_LOG_FIELD;
        else if (lo.format != TIX_LOG_CSV) {
            cli_error("match", "--field goes with the default format or --format csv");
            return 2;
        }
        lo.field = (unsigned)field;
    }
    if (active)
        f.since = cli_now() - (int64_t)ACTIVE_DAYS * 86400;

    match_ctx c = {.jsonl = jsonl};
    tix_buf_init(&c.info, (size_t)UINT32_MAX);
    tix_buf_init(&c.file_json, 0);
    tix_buf_init(&c.out, 0);
    int status = 2;
    if (cli_open_store("match", TIX_STORE_READONLY, &c.s))
        goto out;
    if (tix_matcher_new(&c.m, &d) != TIX_EOK) {
        cli_error("match", "%s", d.msg);
        goto out;
    }
    tix_err e = tix_store_observable_each(c.s, &f, on_obs, &c, &d);
    if (c.err || (e && e != TIX_ESTOPPED)) {
        cli_error("match", "%s", c.err ? c.d.msg : d.msg);
        goto out;
    }
    if (tix_matcher_build(c.m, &d) != TIX_EOK) {
        cli_error("match", "%s", d.msg);
        goto out;
    }
    if (c.unusable)
        cli_error("match", "%llu values could not be matched and were left out",
                  (unsigned long long)c.unusable);

    tix_match_stats st = {0};
    bool error = false;
    for (int i = optind; i < argc && !c.failed; i++) {
        tix_match_stats fs = {0};
        if (match_file(&c, argv[i], &lo, &fs))
            error = true;
        else if (fs.skipped && fs.skipped == fs.lines && !fs.matched_lines &&
                 (lo.format == TIX_LOG_DNS || lo.format == TIX_LOG_PROXY))
            cli_error("match", "%s: no line is in a form --format %s reads", c.file,
                      lo.format == TIX_LOG_DNS ? "dns" : "proxy");
        st.lines += fs.lines;
        st.matched_lines += fs.matched_lines;
        st.hits += fs.hits;
    }
    if (c.failed || c.out.err || cli_write(stdout, c.out.p, c.out.len) || fflush(stdout))
        goto out;
    size_t loaded = tix_matcher_count(c.m);
    fprintf(stderr, "match: %llu line%s, %llu matching line%s, %zu indicator%s hit (%zu "
                    "indicator%s loaded)\n",
            (unsigned long long)st.lines, st.lines == 1 ? "" : "s",
            (unsigned long long)st.matched_lines, st.matched_lines == 1 ? "" : "s", c.nhit,
            c.nhit == 1 ? "" : "s", loaded, loaded == 1 ? "" : "s");
    status = error ? 2 : st.matched_lines ? 0 : 1;
out:
    tix_matcher_free(c.m);
    tix_store_close(c.s);
    free(c.hit_id);
    free(c.hit_off);
    free(c.conf);
    tix_buf_free(&c.info);
    tix_buf_free(&c.file_json);
    tix_buf_free(&c.out);
    return status;
}
