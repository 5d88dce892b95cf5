/* main.c - the tix command: a table of subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct tix_cmd commands[] = {
    {"extract", cmd_extract,
     "[--types LIST] [--format jsonl|csv|text] [--unique] [--threads N] [-r] FILE...|-",
     "find indicators in text and binary files",
     "  --types LIST   comma-separated types: ipv4 ipv6 domain url email md5 sha1\n"
     "                 sha256 sha512 btc xmr cve asn, or ip, hash, all (default)\n"
     "  --format F     jsonl (default), csv or text\n"
     "  --unique       each (type, value) once, with its count\n"
     "  --threads N    threads to scan with; 0 means one per core (default 1)\n"
     "  -r, --recursive  read the regular files below directories, in name\n"
     "                 order (symbolic links are not followed)\n"
     "  FILE, -        files to read; - is standard input\n"
     "Defanged spellings (hxxp, [.], (dot), [@] ...) are read as what they stand\n"
     "for; each hit has the byte offset of its first byte in the file.\n"},
    {"id", cmd_id, "VALUE...",
     "print the type, canonical form and STIX 2.1 id of values",
     "Each VALUE (defanged or not) is printed as TYPE<tab>CANONICAL<tab>STIX-ID.\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tix: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const char *running = "tix"; /* the command, for messages */

int cli_write(FILE *f, const char *buf, size_t len)
{
    if (len && fwrite(buf, 1, len, f) != len) {
        cli_error(running, "write error: %s", strerror(ferror(f) ? errno : EIO));
        return -1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: tix COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'tix COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("tix %s\n", TIX_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            printf("usage: tix %s %s\n%s\n\n%s", commands[i].name,
                   commands[i].usage, commands[i].summary, commands[i].help);
            return 0;
        }
        running = commands[i].name;
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "tix: unknown command '%s'\n", name);
    usage(stderr);
    return 2;
}
