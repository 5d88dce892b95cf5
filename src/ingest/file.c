/* file.c - inputs are mapped (files) or read whole (pipes). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
