/* vet_bench.c - the C side of bench/vet.
 *
 *   vet_bench LISTDIR OBSERVABLES [SUBSET]
 *
 * Loads every MISP list under LISTDIR and builds the vetter (timed: the
 * load), reads OBSERVABLES ("type<TAB>value" lines, already canonical) into
 * memory (not timed), vets them all (timed, best of three passes) and
 * prints one "key value" line per figure for the script to format. The
 * verdicts of the first SUBSET values are counted apart, for comparison
 * with the Python peer, which vets only that many.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tix/vet.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
    tix_obs_type type;
    const char *value;
    size_t len;
} obs;

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: vet_bench LISTDIR OBSERVABLES [SUBSET]\n");
        return 2;
    }
    size_t subset = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
    tix_diag d = TIX_DIAG_INIT;

    double t0 = now();
    tix_list **lists;
    size_t nl, entries = 0;
    if (tix_lists_read_dir(argv[1], &lists, &nl, &d)) {
        fprintf(stderr, "vet_bench: %s\n", d.msg);
        return 1;
    }
    double t1 = now();
    tix_vetter *v;
    if (tix_vetter_new(&v, &d))
        return 1;
    for (size_t i = 0; i < nl; i++) {
        entries += lists[i]->n;
        if (tix_vetter_add(v, lists[i], &d)) {
            fprintf(stderr, "vet_bench: %s\n", d.msg);
            return 1;
        }
    }
    free(lists);
    if (tix_vetter_build(v, &d)) {
        fprintf(stderr, "vet_bench: %s\n", d.msg);
        return 1;
    }
    double t2 = now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double load_rss = (double)ru.ru_maxrss * 1024.0 / 1e6;
    const char *why;
    size_t skipped = tix_vetter_skipped(v, &why);

    FILE *f = fopen(argv[2], "rb");
    if (f == NULL) {
        perror(argv[2]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "vet_bench: cannot read %s\n", argv[2]);
        return 1;
    }
    fclose(f);
    data[size] = '\0';
    size_t n = 0, cap = 1 << 20;
    obs *o = malloc(cap * sizeof *o);
    for (char *p = data; p < data + size;) {
        char *nl_ = strchr(p, '\n'), *tab = strchr(p, '\t');
        if (nl_ == NULL)
            nl_ = data + size;
        if (tab == NULL || tab > nl_) {
            p = nl_ + 1;
            continue;
        }
        int t = tix_obs_from_name(p, (size_t)(tab - p));
        if (t >= 0) {
            if (n == cap)
                o = realloc(o, (cap *= 2) * sizeof *o);
            o[n++] = (obs){(tix_obs_type)t, tab + 1, (size_t)(nl_ - tab - 1)};
        }
        p = nl_ + 1;
    }

    tix_verdict out[256];
    size_t verdicts = 0, sub_verdicts = 0, hit = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = tix_vetter_check(v, o[i].type, o[i].value, o[i].len, out, 256);
        verdicts += k;
        hit += k > 0;
        if (i < subset)
            sub_verdicts += k;
    }
    double best = 1e30;
    for (int pass = 0; pass < 3; pass++) {
        double a = now();
        size_t sink = 0;
        for (size_t i = 0; i < n; i++)
            sink += tix_vetter_check(v, o[i].type, o[i].value, o[i].len, out, 256);
        double b = now();
        if (sink != verdicts)
            fprintf(stderr, "vet_bench: passes disagree\n");
        if (b - a < best)
            best = b - a;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("lists %zu\nentries %zu\nskipped %zu\n", nl, entries, skipped);
    if (skipped)
        printf("skip_reason %s\n", why);
    printf("read_s %.3f\nbuild_s %.3f\nload_s %.3f\n", t1 - t0, t2 - t1, t2 - t0);
    printf("observables %zu\nwith_verdict %zu\nverdicts %zu\n", n, hit, verdicts);
    printf("subset %zu\nsubset_verdicts %zu\n", subset < n ? subset : n, sub_verdicts);
    printf("check_s %.3f\nobs_per_s %.0f\nns_per_obs %.1f\n", best, (double)n / best,
           best * 1e9 / (double)n);
    printf("load_rss_mb %.1f\npeak_rss_mb %.1f\n", load_rss,
           (double)ru.ru_maxrss * 1024.0 / 1e6);
    tix_vetter_free(v);
    free(o);
    free(data);
    return 0;
}
