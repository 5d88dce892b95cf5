/* cmd_extract.c - tix extract: indicators out of files, in order, on as many
 * threads as asked.
 *
 * The work is a list of units: a whole stream (stdin, pipes) or a byte range
 * of a regular file. Workers take units in order and write each unit's
 * output when every earlier unit's output has been written, so the output
 * is the same whatever the number of threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/uniq.h"

enum fmt { FMT_JSONL, FMT_CSV, FMT_TEXT };

#define CHUNK ((uint64_t)16 << 20) /* bytes of a file per unit */
#define FLUSH_AT (1u << 20)

struct file {
    char *path;      /* owned */
    char *json_path; /* path escaped for JSON */
    size_t json_path_len;
    char *csv_path;  /* path as a CSV field */
    int fd;
    uint64_t size;
    int seekable;
    int failed; /* an error was reported for this file */
    int opened; /* open() was tried (files are opened when first needed,
                 * so thousands of them never hold thousands of fds) */
    int units_left;
    pthread_mutex_t lock;
};

struct unit {
    struct file *f;
    uint64_t start, end; /* a range, or the whole stream if !seekable */
};

struct job {
    const tix_extractor *ex;
    enum fmt fmt;
    int unique;
    struct unit *units;
    size_t nunits;
    size_t next_unit;    /* next to take */
    size_t next_write;   /* next whose output may be written */
    int status;
    int write_failed;
    pthread_mutex_t lock;
    pthread_cond_t turn;
};

struct worker {
    struct job *job;
    tix_scan *scan;
    struct unit *unit;
    tix_buf out;
    int direct; /* output may go straight to stdout (one thread) */
    struct uniq uniq;
};

/* Canonical values are printable ASCII without quotes or backslashes, but
 * a value is escaped anyway if it is not. */
static bool json_plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return false;
    }
    return true;
}

#define PUT(lit) (memcpy(q, lit, sizeof lit - 1), q += sizeof lit - 1)
#define PUTN(s, n) (memcpy(q, s, n), q += (n))

static void add_jsonl(struct worker *w, const tix_hit *h)
{
    tix_buf *b = &w->out;
    const struct file *f = w->unit->f;
    const char *type = tix_obs_name(h->type);
    const char *enc = tix_encoding_name(h->encoding);
    size_t tl = strlen(type), el = strlen(enc);
    /* only a URL can hold bytes that JSON escapes, and then only when it
     * came from somewhere other than the extractor */
    bool plain = h->type != TIX_OBS_URL || json_plain(h->value, h->value_len);
    if (tix_buf_reserve(b, (plain ? h->value_len : 0) + f->json_path_len +
                               tl + el + 128) != 0)
        return;
    char *q = b->p + b->len;
    PUT("{\"type\":\"");
    PUTN(type, tl);
    PUT("\",\"value\":\"");
    if (plain) {
        PUTN(h->value, h->value_len);
    } else {
        b->len = (size_t)(q - b->p);
        tix_buf_add_json(b, h->value, h->value_len);
        if (tix_buf_reserve(b, f->json_path_len + el + 128) != 0)
            return;
        q = b->p + b->len;
    }
    PUT("\",\"file\":\"");
    PUTN(f->json_path, f->json_path_len);
    PUT("\",\"offset\":");
    q += tix_fmt_u64(q, h->offset);
    PUT(",\"encoding\":\"");
    PUTN(enc, el);
    if (h->defanged)
        PUT("\",\"defanged\":true}\n");
    else
        PUT("\",\"defanged\":false}\n");
    b->len = (size_t)(q - b->p);
    b->p[b->len] = '\0';
}

static void add_hit_line(struct worker *w, const tix_hit *h)
{
    tix_buf *b = &w->out;
    const struct file *f = w->unit->f;
    switch (w->job->fmt) {
    case FMT_JSONL:
        add_jsonl(w, h);
        break;
    case FMT_CSV:
        tix_buf_adds(b, tix_obs_name(h->type));
        tix_buf_addc(b, ',');
        tix_buf_add_csv(b, h->value, h->value_len);
        tix_buf_addc(b, ',');
        tix_buf_adds(b, f->csv_path);
        tix_buf_addc(b, ',');
        tix_buf_add_u64(b, h->offset);
        tix_buf_addc(b, ',');
        tix_buf_adds(b, tix_encoding_name(h->encoding));
        tix_buf_adds(b, h->defanged ? ",true\n" : ",false\n");
        break;
    case FMT_TEXT:
        tix_buf_adds(b, f->path);
        tix_buf_addc(b, ':');
        tix_buf_add_u64(b, h->offset);
        tix_buf_add(b, ": ", 2);
        tix_buf_adds(b, tix_obs_name(h->type));
        tix_buf_addc(b, ' ');
        tix_buf_add(b, h->value, h->value_len);
        if (h->encoding != TIX_ENC_ASCII) {
            tix_buf_add(b, " (", 2);
            tix_buf_adds(b, tix_encoding_name(h->encoding));
            tix_buf_addc(b, ')');
        }
        if (h->defanged)
            tix_buf_adds(b, " (defanged)");
        tix_buf_addc(b, '\n');
        break;
    }
}

static int on_hit(void *ud, const tix_hit *h)
{
    struct worker *w = ud;
    if (w->job->unique) {
        if (uniq_add(&w->uniq, h->type, h->value, h->value_len) != 0)
            return -1;
        return 0;
    }
    add_hit_line(w, h);
    if (w->out.err != TIX_EOK)
        return -1;
    if (w->direct && w->out.len >= FLUSH_AT) {
        if (cli_write(stdout, w->out.p, w->out.len) != 0) {
            w->job->write_failed = 1;
            return -1;
        }
        tix_buf_reset(&w->out);
    }
    return 0;
}

static void file_error(struct job *job, struct file *f, const char *msg)
{
    pthread_mutex_lock(&f->lock);
    if (!f->failed)
        cli_error("extract", "%s: %s", f->path, msg);
    f->failed = 1;
    pthread_mutex_unlock(&f->lock);
    pthread_mutex_lock(&job->lock);
    job->status = 1;
    pthread_mutex_unlock(&job->lock);
}

/* The fd of f, opened by the first unit that needs it; -1 (reported once)
 * when it cannot be opened. */
static int file_fd(struct job *job, struct file *f)
{
    pthread_mutex_lock(&f->lock);
    int err = 0;
    if (!f->opened) {
        f->opened = 1;
        f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
        if (f->fd < 0)
            err = errno;
    }
    int fd = f->fd;
    pthread_mutex_unlock(&f->lock);
    if (err)
        file_error(job, f, strerror(err));
    return fd;
}

static void run_unit(struct worker *w)
{
    struct unit *u = w->unit;
    tix_diag d = TIX_DIAG_INIT;
    tix_err rc;
    if (file_fd(w->job, u->f) < 0)
        return;
    if (u->f->seekable)
        rc = tix_scan_fd_range(w->scan, u->f->fd, u->start, u->end,
                               u->f->size, &d);
    else
        rc = tix_scan_fd(w->scan, u->f->fd, &d);
    if (rc == TIX_ESTOPPED && w->job->write_failed)
        return;
    if (rc == TIX_ESTOPPED || w->out.err != TIX_EOK)
        file_error(w->job, u->f, tix_strerror(w->out.err != TIX_EOK ? w->out.err
                                                                    : TIX_ENOMEM));
    else if (rc != TIX_EOK)
        file_error(w->job, u->f, d.msg);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct job *job = w->job;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        if (job->next_unit == job->nunits || job->write_failed) {
            pthread_mutex_unlock(&job->lock);
            return NULL;
        }
        size_t k = job->next_unit++;
        pthread_mutex_unlock(&job->lock);

        w->unit = &job->units[k];
        tix_buf_reset(&w->out);
        run_unit(w);

        pthread_mutex_lock(&job->lock);
        while (job->next_write != k)
            pthread_cond_wait(&job->turn, &job->lock);
        if (!job->write_failed && cli_write(stdout, w->out.p, w->out.len) != 0)
            job->write_failed = 1;
        job->next_write++;
        pthread_cond_broadcast(&job->turn);
        pthread_mutex_unlock(&job->lock);

        struct file *f = w->unit->f;
        pthread_mutex_lock(&f->lock);
        if (--f->units_left == 0 && f->fd >= 0) {
            close(f->fd);
            f->fd = -1;
        }
        pthread_mutex_unlock(&f->lock);
    }
}

static char *escaped(const char *s, int csv)
{
    tix_buf b = TIX_BUF_INIT(0);
    if (csv)
        tix_buf_add_csv(&b, s, strlen(s));
    else
        tix_buf_add_json(&b, s, strlen(s));
    return tix_buf_detach(&b, NULL);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: tix extract [--types LIST] [--format jsonl|csv|text] "
            "[--unique] [--threads N] [-r] FILE...|-\n");
}

/* ---- the paths to read ---------------------------------------------- */

struct pathlist {
    char **v;
    size_t n, cap;
    int oom;
};

static void pathlist_add(struct pathlist *pl, const char *path)
{
    if (pl->oom)
        return;
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 64;
        char **v = realloc(pl->v, cap * sizeof *v);
        if (v == NULL) {
            pl->oom = 1;
            return;
        }
        pl->v = v;
        pl->cap = cap;
    }
    if ((pl->v[pl->n] = strdup(path)) == NULL)
        pl->oom = 1;
    else
        pl->n++;
}

static void pathlist_free(struct pathlist *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        free(pl->v[i]);
    free(pl->v);
    memset(pl, 0, sizeof *pl);
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* nftw() takes no user pointer: the walk in progress */
static struct pathlist *walk_into;
static int walk_failed;

static int walk_one(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_F && S_ISREG(st->st_mode)) {
        pathlist_add(walk_into, path);
    } else if (flag == FTW_DNR || flag == FTW_NS) {
        cli_error("extract", "%s: %s", path, strerror(EACCES));
        walk_failed = 1;
    }
    return walk_into->oom ? -1 : 0; /* symlinks and special files: skipped */
}

/* Add path; with recursive, a directory adds the regular files below it,
 * in name order, without following symbolic links. */
static int collect(struct pathlist *pl, const char *path, int recursive)
{
    struct stat st;
    if (!recursive || strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        pathlist_add(pl, path); /* errors are reported when it is planned */
        return 0;
    }
    size_t first = pl->n;
    walk_into = pl;
    walk_failed = 0;
    if (nftw(path, walk_one, 32, FTW_PHYS) != 0 && !pl->oom) {
        cli_error("extract", "%s: %s", path, strerror(errno));
        walk_failed = 1;
    }
    qsort(pl->v + first, pl->n - first, sizeof *pl->v, path_cmp);
    return walk_failed;
}

int cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"types", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'},
        {"unique", no_argument, NULL, 'u'},
        {"threads", required_argument, NULL, 'j'},
        {"recursive", no_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    uint32_t types = TIX_OBS_ALL;
    enum fmt fmt = FMT_JSONL;
    int unique = 0;
    long threads = 1;
    int recursive = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:f:uj:r", opts, NULL)) != -1) {
        tix_diag d = TIX_DIAG_INIT;
        char *end;
        switch (c) {
        case 't':
            if (tix_obs_parse_types(optarg, &types, &d) != TIX_EOK) {
                cli_error("extract", "--types: %s", d.msg);
                return 2;
            }
            break;
        case 'f':
            if (strcmp(optarg, "jsonl") == 0)
                fmt = FMT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                fmt = FMT_CSV;
            else if (strcmp(optarg, "text") == 0)
                fmt = FMT_TEXT;
            else {
                cli_error("extract", "--format: '%s' is not jsonl, csv or text", optarg);
                return 2;
            }
            break;
        case 'u':
            unique = 1;
            break;
        case 'r':
            recursive = 1;
            break;
        case 'j':
            threads = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || threads < 0 || threads > 256) {
                cli_error("extract", "--threads: '%s' is not a number from 0 to 256", optarg);
                return 2;
            }
            if (threads == 0) { /* one per core */
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                threads = cpus < 1 ? 1 : cpus > 256 ? 256 : cpus;
            }
            break;
        default:
            usage();
            return 2;
        }
    }
    if (optind >= argc) {
        usage();
        return 2;
    }

    /* the files: the paths given, and with -r the files below directories */
    struct pathlist pl = {0};
    int status = 0;
    for (int i = optind; i < argc; i++)
        if (collect(&pl, argv[i], recursive) != 0)
            status = 1;
    size_t nfiles = pl.n;
    struct file *files = calloc(nfiles ? nfiles : 1, sizeof *files);
    struct job job = {.fmt = fmt, .unique = unique};
    pthread_mutex_init(&job.lock, NULL);
    pthread_cond_init(&job.turn, NULL);
    size_t cap_units = 0;
    if (files == NULL || pl.oom) {
        cli_error("extract", "out of memory");
        pathlist_free(&pl);
        free(files);
        return 1;
    }

    /* Plan the work from stat(): files are opened when a worker first
     * needs them, so thousands of files never hold thousands of fds. */
    for (size_t i = 0; i < nfiles; i++) {
        struct file *f = &files[i];
        f->path = pl.v[i];
        pl.v[i] = NULL;
        f->fd = -1;
        pthread_mutex_init(&f->lock, NULL);
        struct stat st;
        if (strcmp(f->path, "-") == 0) {
            f->fd = dup(STDIN_FILENO);
            f->opened = 1;
            if (f->fd < 0 || fstat(f->fd, &st) != 0) {
                cli_error("extract", "-: %s", strerror(errno));
                f->failed = 1;
                status = 1;
                continue;
            }
            f->seekable = 0;
        } else if (stat(f->path, &st) != 0) {
            cli_error("extract", "%s: %s", f->path, strerror(errno));
            f->failed = 1;
            status = 1;
            continue;
        } else if (S_ISDIR(st.st_mode)) {
            cli_error("extract", "%s: %s (-r reads the files below it)", f->path,
                      strerror(EISDIR));
            f->failed = 1;
            status = 1;
            continue;
        } else {
            f->seekable = S_ISREG(st.st_mode);
        }
        f->size = f->seekable ? (uint64_t)st.st_size : 0;
        f->json_path = escaped(f->path, 0);
        f->json_path_len = f->json_path ? strlen(f->json_path) : 0;
        f->csv_path = escaped(f->path, 1);
        /* one unit per CHUNK of a regular file when there are threads to
         * share it; otherwise the whole file */
        uint64_t chunk = threads > 1 && f->seekable ? CHUNK : UINT64_MAX;
        uint64_t n = f->seekable && f->size > 0 && chunk != UINT64_MAX
                         ? (f->size + chunk - 1) / chunk : 1;
        if (job.nunits + n > cap_units) {
            size_t cap = (job.nunits + n) * 2;
            struct unit *u = realloc(job.units, cap * sizeof *u);
            if (u == NULL) {
                cli_error("extract", "out of memory");
                status = 1;
                goto out;
            }
            job.units = u;
            cap_units = cap;
        }
        for (uint64_t k = 0; k < n; k++) {
            uint64_t start = chunk == UINT64_MAX ? 0 : k * chunk;
            uint64_t end = chunk == UINT64_MAX || k == n - 1 ? f->size : start + chunk;
            job.units[job.nunits++] = (struct unit){f, start, end};
        }
        f->units_left = (int)n;
    }

    tix_diag d = TIX_DIAG_INIT;
    tix_extractor *ex = NULL;
    if (tix_extractor_new(&ex, types, &d) != TIX_EOK) {
        cli_error("extract", "%s", d.msg);
        status = 1;
        goto out;
    }
    job.ex = ex;
    if ((size_t)threads > job.nunits)
        threads = job.nunits ? (long)job.nunits : 1;

    if (fmt == FMT_CSV && !unique)
        fputs("type,value,file,offset,encoding,defanged\n", stdout);

    struct worker *ws = calloc((size_t)threads, sizeof *ws);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (ws == NULL || tids == NULL) {
        cli_error("extract", "out of memory");
        status = 1;
        free(ws);
        free(tids);
        tix_extractor_free(ex);
        goto out;
    }
    long started = 0;
    for (long i = 0; i < threads; i++) {
        ws[i].job = &job;
        ws[i].direct = threads == 1;
        tix_buf_init(&ws[i].out, 0);
        if (tix_scan_new(&ws[i].scan, ex, on_hit, &ws[i], &d) != TIX_EOK) {
            cli_error("extract", "%s", d.msg);
            status = 1;
            break;
        }
        if (threads == 1)
            break;
        if (pthread_create(&tids[i], NULL, work, &ws[i]) != 0) {
            tix_scan_free(ws[i].scan);
            ws[i].scan = NULL;
            break;
        }
        started++;
    }
    if (threads == 1 && ws[0].scan)
        work(&ws[0]);
    else if (started == 0 && status == 0 && job.nunits)
        work(&ws[0]); /* no thread could start: do it here */
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);

    if (unique) {
        struct uniq all;
        uniq_init(&all);
        for (long i = 0; i < threads; i++)
            if (uniq_merge(&all, &ws[i].uniq) != 0)
                status = 1;
        if (uniq_print(&all, stdout, fmt == FMT_JSONL ? UNIQ_JSONL
                                     : fmt == FMT_CSV ? UNIQ_CSV : UNIQ_TEXT) != 0)
            job.write_failed = 1;
        uniq_free(&all);
    }
    for (long i = 0; i < threads; i++) {
        tix_scan_free(ws[i].scan);
        tix_buf_free(&ws[i].out);
        uniq_free(&ws[i].uniq);
    }
    free(ws);
    free(tids);
    tix_extractor_free(ex);
    if (job.status)
        status = 1;
    if (fflush(stdout) != 0 || job.write_failed) {
        if (!job.write_failed)
            cli_error("extract", "write error: %s", strerror(errno));
        status = 1;
    }
out:
    for (size_t i = 0; i < nfiles; i++) {
        if (files[i].fd >= 0)
            close(files[i].fd);
        free(files[i].path);
        free(files[i].json_path);
        free(files[i].csv_path);
        pthread_mutex_destroy(&files[i].lock);
    }
    free(files);
    pathlist_free(&pl);
    free(job.units);
    pthread_mutex_destroy(&job.lock);
    pthread_cond_destroy(&job.turn);
    return status;
}
