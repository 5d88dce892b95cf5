/* cmd_serve.c - tix serve: the TAXII 2.1 server on the store, until
 * SIGINT or SIGTERM (the audit log is flushed before it exits). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *serve_usage =
    "usage: tix serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE]\n"
    "                 [--threads N] [--readers N] [--max-body BYTES]\n"
    "                 [--refresh SECONDS] [--public-url URL]\n";

static void log_stderr(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "tix: serve: %s\n", msg);
}

/* A query collection brought up to date with the store, as of now. */
static tix_err serve_refresh(void *ud, tix_store *s, const char *collection,
                             const char *query, tix_diag *d)
{
    (void)ud;
    return tix_collection_refresh(s, collection, query, cli_now(), NULL, d);
}

static int number(const char *opt, const char *s, unsigned long long max,
                  unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max) {
        cli_error("serve", "%s is a number up to %llu", opt, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"tls-cert", required_argument, NULL, 'c'},
        {"tls-key", required_argument, NULL, 'k'},
        {"threads", required_argument, NULL, 't'},
        {"readers", required_argument, NULL, 'r'},
        {"max-body", required_argument, NULL, 'b'},
        {"refresh", required_argument, NULL, 'R'},
        {"public-url", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    tix_taxii_opts to = {.log = log_stderr};
    tix_taxii_http_opts ho = {0};
    unsigned long long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:c:k:t:r:b:R:u:", opts, NULL)) != -1) {
        switch (c) {
        case 'l': ho.listen = optarg; break;
        case 'c': ho.tls_cert = optarg; break;
        case 'k': ho.tls_key = optarg; break;
        case 't':
            if (number("--threads", optarg, 1024, &v))
                return 2;
            ho.threads = (unsigned)v;
            break;
        case 'r':
            if (number("--readers", optarg, 1024, &v))
                return 2;
            to.readers = (unsigned)v;
            break;
        case 'b':
            if (number("--max-body", optarg, (unsigned long long)1 << 30, &v))
                return 2;
            if (v == 0) {
                cli_error("serve", "--max-body must be at least 1");
                return 2;
            }
            to.max_body = (size_t)v;
            break;
        case 'R':
            if (number("--refresh", optarg, 86400 * 7, &v))
                return 2;
            to.refresh_seconds = (unsigned)v;
            break;
        case 'u': ho.public_url = optarg; break;
        default: fputs(serve_usage, stderr); return 2;
        }
    }
    if (optind != argc || !ho.tls_cert != !ho.tls_key) {
        if (optind == argc)
            cli_error("serve", "--tls-cert and --tls-key go together");
        fputs(serve_usage, stderr);
        return 2;
    }
    to.store = cli_db();
    to.refresh = serve_refresh;

    /* Signals are taken by sigwait below: every thread the server starts
     * inherits this mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    tix_diag d = TIX_DIAG_INIT;
    tix_taxii *t;
    if (tix_taxii_open(&t, &to, &d) != TIX_EOK) {
        cli_error("serve", "%s", d.msg);
        return 1;
    }
    tix_taxii_http *h;
    if (tix_taxii_http_start(&h, t, &ho, &d) != TIX_EOK) {
        cli_error("serve", "%s", d.msg);
        tix_taxii_close(t);
        return 1;
    }
    fprintf(stderr, "tix serve: listening on %s/taxii2/\n", tix_taxii_http_url(h));
    fflush(stderr);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "tix serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    tix_taxii_http_stop(h);
    tix_taxii_close(t);
    fprintf(stderr, "tix serve: stopped\n");
    return 0;
}
