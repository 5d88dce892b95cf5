/* main.c - samplegen: write one benign stand-in sample (samplegen.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samplegen.h"

static const char usage[] =
    "usage: samplegen FAMILY [BUILD] [--format pe|elf] [--seed N] [--size BYTES] "
    "[--campaign ID] [--c2 SPEC]... -o FILE\n"
    "  FAMILY: plumloader, kestrel, gorse or benign; BUILD: 1, 2 (default) or 3;\n"
    "  SPEC: scheme://host:port/path or host:port (up to 16); FILE '-' is stdout\n";

static int bad(const char *why)
{
    fprintf(stderr, "samplegen: %s\n%s", why, usage);
    return 2;
}

static int parse_u64(const char *s, unsigned long long *v)
{
    char *end;
    if (s == NULL || *s == 0 || *s == '-')
        return -1;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno != 0 || *end != 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    sg_spec s;
    memset(&s, 0, sizeof s);
    const char *path = NULL;
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--format") == 0 && v != NULL) {
            s.format = v;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_u64(v, &n) != 0)
                return bad("--seed needs a number");
            s.seed = n;
            i++;
        } else if (strcmp(a, "--size") == 0) {
            if (parse_u64(v, &n) != 0 || n > SIZE_MAX)
                return bad("--size needs a number of bytes");
            s.size = (size_t)n;
            i++;
        } else if (strcmp(a, "--campaign") == 0 && v != NULL) {
            s.campaign = v;
            i++;
        } else if (strcmp(a, "--c2") == 0 && v != NULL) {
            if (s.nc2 == sizeof s.c2 / sizeof s.c2[0])
                return bad("at most 16 --c2");
            s.c2[s.nc2++] = v;
            i++;
        } else if (strcmp(a, "-o") == 0 && v != NULL) {
            path = v;
            i++;
        } else if (a[0] == '-' && a[1] != 0) {
            char msg[128];
            snprintf(msg, sizeof msg, "bad option or missing value: %s", a);
            return bad(msg);
        } else if (positional == 0) {
            s.family = a;
            positional++;
        } else if (positional == 1) {
            s.build = a;
            positional++;
        } else {
            return bad("too many arguments");
        }
    }
    if (s.family == NULL)
        return bad("no FAMILY");
    if (path == NULL)
        return bad("no -o FILE");

    tix_buf b = TIX_BUF_INIT(0);
    char err[256];
    if (sg_generate(&s, &b, err, sizeof err) != 0) {
        fprintf(stderr, "samplegen: %s\n", err);
        tix_buf_free(&b);
        return 2;
    }
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    int rc = 0;
    if (f == NULL || fwrite(b.p, 1, b.len, f) != b.len || (f != stdout && fclose(f) != 0) ||
        (f == stdout && fflush(f) != 0)) {
        fprintf(stderr, "samplegen: %s: %s\n", path, strerror(errno));
        rc = 1;
    }
    tix_buf_free(&b);
    return rc;
}
