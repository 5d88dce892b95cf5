/* file.c - inputs are mapped (files) or read whole (pipes). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/grow.h"
#include "ingest/file.h"

/* Feed files are read whole; beyond this they are not feeds. */
#define IN_FILE_MAX ((size_t)16 << 30)

static tix_err read_all(in_file *f, int fd, const char *path, tix_diag *d)
{
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    if (!b)
        return tix_diag_set(d, TIX_ENOMEM, "%s: out of memory", path);
    for (;;) {
        if (len == cap) {
            if (cap >= IN_FILE_MAX) {
                free(b);
                return tix_diag_set(d, TIX_ETOOBIG, "%s: larger than 16 GiB", path);
            }
            char *n = realloc(b, cap * 2);
            if (!n) {
                free(b);
                return tix_diag_set(d, TIX_ENOMEM, "%s: out of memory", path);
            }
            b = n;
            cap *= 2;
        }
        ssize_t r = read(fd, b + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int err = errno;
            free(b);
            return tix_diag_set(d, TIX_EIO, "%s: %s", path, strerror(err));
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    f->heap = b;
    f->data = b;
    f->len = len;
    return TIX_EOK;
}

tix_err in_file_open(in_file *f, const char *path, tix_diag *d)
{
    memset(f, 0, sizeof *f);
    f->data = "";
    if (strcmp(path, "-") == 0)
        return read_all(f, 0, "(stdin)", d);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tix_diag_set(d, errno == ENOENT ? TIX_ENOTFOUND : TIX_EIO, "%s: %s", path,
                            strerror(errno));
    struct stat sb;
    tix_err e = TIX_EOK;
    if (fstat(fd, &sb) != 0) {
        e = tix_diag_set(d, TIX_EIO, "%s: %s", path, strerror(errno));
    } else if (S_ISDIR(sb.st_mode)) {
        e = tix_diag_set(d, TIX_EINVAL, "%s: is a directory", path);
    } else if (!S_ISREG(sb.st_mode)) {
        e = read_all(f, fd, path, d);
    } else if (sb.st_size > 0) {
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            e = read_all(f, fd, path, d);
        } else {
            madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
            f->map = m;
            f->map_len = (size_t)sb.st_size;
            f->data = m;
            f->len = (size_t)sb.st_size;
        }
    }
    close(fd);
    return e;
}

void in_file_close(in_file *f)
{
    if (f->map)
        munmap(f->map, f->map_len);
    free(f->heap);
    memset(f, 0, sizeof *f);
}

void sha256_of(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

/* ---- the files below a path, in name order ---- */


static tix_err collect(const char *path, int depth, in_paths *out, tix_diag *d)
{
    struct stat sb;
    /* what the user named is followed; links found below it are not */
    if ((depth == 0 ? stat(path, &sb) : lstat(path, &sb)) != 0)
        return tix_diag_set(d, errno == ENOENT ? TIX_ENOTFOUND : TIX_EIO, "%s: %s", path,
                            strerror(errno));
    if (S_ISLNK(sb.st_mode))
        return TIX_EOK; /* links below a directory are not followed */
    if (S_ISDIR(sb.st_mode)) {
        if (depth > 64)
            return tix_diag_set(d, TIX_EINVAL, "%s: directories nested too deep", path);
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort);
        if (n < 0)
            return tix_diag_set(d, TIX_EIO, "%s: %s", path, strerror(errno));
        tix_err e = TIX_EOK;
        size_t pl = strlen(path);
        for (int i = 0; i < n; i++) {
            const char *nm = names[i]->d_name;
            if (!e && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
                char *child = malloc(pl + strlen(nm) + 2);
                if (!child) {
                    e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
                } else {
                    sprintf(child, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/", nm);
                    e = collect(child, depth + 1, out, d);
                    free(child);
                }
            }
            free(names[i]);
        }
        free(names);
        return e;
    }
    if (depth > 0 && !S_ISREG(sb.st_mode))
        return TIX_EOK; /* devices, sockets and fifos below a directory */
    if (tix__grow(&out->v, &out->cap, out->n, sizeof *out->v, 64) != 0 ||
        !(out->v[out->n] = strdup(path)))
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    out->n++;
    return TIX_EOK;
}

tix_err in_paths_collect(const char *path, in_paths *out, tix_diag *d)
{
    return collect(path, 0, out, d);
}

void in_paths_free(in_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}
