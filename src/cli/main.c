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
    {"init", cmd_init, "",
     "create the store (or migrate it to this version's schema)",
     "The store is --db PATH (before the command), else $TIX_DB, else ./tix.db.\n"},
    {"ingest", cmd_ingest,
     "sample|feed|misp|stix|pdns [OPTIONS] FILE...",
     "put samples, feeds, MISP events, STIX bundles and passive DNS into the store",
     "  tix ingest sample PATH...   files, directories (recursive, in name order,\n"
     "                 links not followed) and archives (zip, 7z, rar, tar; an\n"
     "                 encrypted zip opens with 'infected' or --password)\n"
     "  tix ingest feed --format F --source NAME FILE...\n"
     "                 F: feodo-csv feodo-json urlhaus-csv threatfox-csv\n"
     "                 threatfox-json spamhaus-drop csv (with --map)\n"
     "  tix ingest misp FILE...     MISP event JSON\n"
     "  tix ingest stix FILE...     STIX 2.1 bundles\n"
     "  tix ingest pdns FILE...     passive DNS: CSV with a header (rrname, rrtype,\n"
     "                 rdata, first_seen, last_seen, count) or JSON lines (COF,\n"
     "                 DNSDB); source 'pdns' unless --source\n"
     "  --source NAME  who this comes from (default: local for samples, misp,\n"
     "                 stix; MISP Orgc and STIX identities name their own)\n"
     "  --kind K       vendor, feed, partner or sensor, for a new source\n"
     "  --trust N      0-100, for a new source (default by kind: vendor 80,\n"
     "                 partner 70, feed 60, sensor 40)\n"
     "  --tlp LEVEL    TLP of what carries no marking (default amber; clear for\n"
     "                 abuse.ch and Spamhaus feeds)\n"
     "  --map M        column map of --format csv: type=column,... e.g.\n"
     "                 ip=2,port=3,first_seen=1 (columns count from 1)\n"
     "  --password PW  archive password to try besides 'infected'\n"
     "  --skip-bad     store the good records and report each bad one\n"
     "                 (by default a bad record stops its file, which is then\n"
     "                 not stored at all)\n"
     "  --no-vet       leave vetting and enrichment to the next ingest or to\n"
     "                 'tix vet' / 'tix enrich' (bulk loads)\n"
     "Each file is one transaction. The same file again adds nothing. New\n"
     "observables are vetted and enriched before the command ends.\n"},
    {"pull", cmd_pull,
     "URL --collection ID [--user U --password P | --token T] [--limit N]"
     " [--source NAME] [--from TIME | --all] [--cacert FILE] [--insecure]",
     "ingest what is new in a collection of a TAXII 2.1 server",
     "  URL            the server's API root (https://host/api/) or its discovery\n"
     "                 URL (https://host/taxii2/, whose default API root is used)\n"
     "  --collection ID  the collection's id\n"
     "  --user U       HTTP Basic user; the password from --password P or, kept\n"
     "                 out of 'ps', $TIX_PULL_PASSWORD\n"
     "  --token T      a bearer token instead (or $TIX_PULL_TOKEN)\n"
     "  --limit N      objects per page to ask for (default: the server's)\n"
     "  --source NAME  who this comes from (default: the server's host name; STIX\n"
     "                 identities name their own)\n"
     "  --kind K, --trust N  of a new source (default partner, trust 70)\n"
     "  --tlp LEVEL    TLP of what carries no marking (default amber)\n"
     "  --from TIME    start after TIME instead of where the last pull stopped\n"
     "  --all          start from the beginning of the collection\n"
     "  --max-pages N  stop after N pages (default 10000); the next run goes on\n"
     "  --timeout S    seconds for each request (default 300)\n"
     "  --cacert FILE  CA certificates (PEM) to verify the server with\n"
     "  --insecure     do not verify the server's certificate\n"
     "  --no-vet       leave vetting and enrichment to 'tix vet' / 'tix enrich'\n"
     "Each page is one transaction with the point the next pull starts from (the\n"
     "server's X-TAXII-Date-Added-Last, kept per API root and collection): a pull\n"
     "that fails keeps the pages before the failure. A summary goes to standard\n"
     "error. Responses over 64 MiB and redirects to other servers are refused.\n"},
    {"show", cmd_show, "[--format text|json] VALUE|ID|HASH...",
     "everything known about an observable, object or sample",
     "VALUE is an indicator as written (defanged or not), ID a STIX id, HASH the\n"
     "md5, sha1 or sha256 of a sample.\n"},
    {"list", cmd_list,
     "[--type LIST] [--source NAME] [--since DATE] [--min-confidence N] [--limit N]"
     " [--format table|jsonl|csv]",
     "list the observables in the store",
     "  --type LIST    types as for extract (ip, hash, all, ...)\n"
     "  --source NAME  only what this source gave evidence for\n"
     "  --since DATE   last seen at or after DATE (2024-05-01 or a full time)\n"
     "  --min-confidence N  confidence at least N (0-100)\n"
     "  --format F     table (default), jsonl or csv\n"},
    {"source", cmd_source, "list | set NAME [--kind K] [--trust N]",
     "list the sources, or change one's kind and trust",
     "Changing a source's trust recomputes the confidence of what it supports.\n"},
    {"stats", cmd_stats, "", "what the store holds, by type", ""},
    {"match", cmd_match, "[--format tokens|dns|proxy|csv|jsonl] [--field N] [--active] [--min-confidence N] [--type LIST] [--output text|jsonl] LOG...|-", "find the store's indicators in logs", "  --format F     tokens (default: every IP, name and URL in a line), dns (BIND\n                 query log, dnsmasq, Zeek dns.log), proxy (Squid access.log),\n                 csv (every field, or --field N), jsonl (every string value)\n  --field N      only blank-separated field N (with csv: CSV field N)\n  --active       only what was seen in the last 30 days\n  --min-confidence N  only indicators of confidence N or more (0-100)\n  --type LIST    ipv4, ipv6, domain, url (default: all four)\n  --output F     text (default): FILE:LINE: VALUE (TYPE) family=F source=S\n                 confidence=C | LINE (control characters as \\xHH); or jsonl\nA domain matches its subdomains too; - reads standard input. A summary goes\nto standard error. Exit status: 0 a match, 1 none, 2 an error.\n"},
    {"lists", cmd_lists,
     "[list] | load DIR|FILE... | show NAME | add|rm NAME VALUE [--note T] | policy NAME P",
     "the warninglists vetting uses",
     "  list           every list: origin, match type, policy, kind, version, entries\n"
     "  load DIR|FILE  MISP warninglists: DIR/<name>/list.json (or DIR/lists/...),\n"
     "                 or list.json files; a list is replaced only by a newer\n"
     "                 version; one broken file stores nothing\n"
     "  show NAME      a list's entries\n"
     "  add sinkhole VALUE [--note TEXT]   an IP, CIDR, domain or name server\n"
     "  rm NAME VALUE  drop an entry the user added\n"
     "  policy NAME block|warn   block: never exported as actionable; warn:\n"
     "                 exported with the warning (kept across reloads)\n"
     "Built in: iana-ipv4-special, iana-ipv6-special, reserved-names, sinkhole.\n"
     "Every change re-vets the store.\n"},
    {"rules", cmd_rules, "[list] | add FILE|DIR... | rm NAME",
     "the YARA rules samples are classified with",
     "  list           the stored rule files, and the built-in family rules\n"
     "  add FILE|DIR   compile rule files (*.yar, *.yara below DIR) into the store;\n"
     "                 a file that does not compile is reported FILE:LINE and\n"
     "                 skipped (exit 1), the others are stored\n"
     "  rm NAME        drop a stored file\n"
     "A rule's family is its meta `family`, else its name. Ingest classifies\n"
     "every sample with the stored set, compiled once.\n"},
    {"classify", cmd_classify,
     "[--rules FILE|DIR]... [--threads N] [--format text|jsonl] [--all] PATH...",
     "families and C&C configurations of sample files, nothing stored",
     "  --rules F      rule files to use (else the store's, else the built-in ones)\n"
     "  --threads N    scanning threads (default: one per core)\n"
     "  --format F     text (default): FILE<TAB>families<TAB>ns:rule,...[<TAB>config]\n"
     "                 or jsonl with the whole configuration\n"
     "  --all          also the files no rule matched\n"
     "A summary (files, MB/s, files/s) goes to standard error.\n"},
    {"extractors", cmd_extractors, "[list] | check [--rules F]... [--threads N] DIR...",
     "the config extractors, and the drift report over a sample set",
     "  list           family, extractor, version and the rule that triggers it\n"
     "  check DIR...   run every extractor on every sample of its family: per\n"
     "                 family and build, samples, configs read and failures, then\n"
     "                 each failed file with the reason; exit 1 if any failed\n"},
    {"vet", cmd_vet, "[--window DAYS] [--shared-threshold N] | --check VALUE...",
     "vet every observable against the lists and passive DNS",
     "  --window DAYS  passive-DNS window for sinkholed names and shared hosts\n"
     "                 (default 30)\n"
     "  --shared-threshold N  unrelated names on one IP that flag it as shared\n"
     "                 hosting (default 20)\n"
     "  --check VALUE...  vet values as given, storing nothing\n"
     "Ingest vets new observables by itself; 'tix vet' recomputes everything.\n"},
    {"enrich", cmd_enrich, "[--mmdb FILE]... [--no-mmdb] [--constituencies FILE]",
     "place every IP (country, ASN, constituency) and name (registered domain)",
     "  --mmdb FILE    MaxMind DB files (GeoLite2/GeoIP2 Country, City, ASN; DB-IP;\n"
     "                 IPinfo), first answer wins; kept for later ingests\n"
     "  --no-mmdb      forget them; Debian's geoip-database then gives countries\n"
     "  --constituencies FILE  CSV: match,name,country,email,kind (match: CIDR,\n"
     "                 ASN or country; kind: cert, police or hoster); kept\n"
     "Ingest enriches new observables by itself; 'tix enrich' recomputes all.\n"},
    {"takedown", cmd_takedown,
     "--family F [--since DATE] [--by agency|country] [--format text|csv|jsonl|stix]"
     " [--out FILE]",
     "the vetted list of a family's C&C servers, per agency or country",
     "  --family F     the malware family, as samples' configs and feeds name it\n"
     "                 (any case)\n"
     "  --since DATE   only servers last seen (for the family) at or after DATE\n"
     "  --by B         group by agency (default: the constituency responsible) or\n"
     "                 by country\n"
     "  --format F     text (default), csv, jsonl or stix (a STIX 2.1 bundle,\n"
     "                 TLP-marked; blocked entries are not in it)\n"
     "  --out FILE     write FILE (replaced whole) instead of standard output\n"
     "Sinkholes, reserved addresses and whatever a block list matched are left\n"
     "out and listed apart with the reasons. Exit status 1 when the store knows\n"
     "no C&C server of the family.\n"},
    {"export", cmd_export,
     "--format stix|misp|csv|blocklist [--type LIST] [--family F] [--source S]"
     " [--since DATE] [--active [--active-days N]] [--min-confidence N] [--country CC]"
     " [--constituency NAME] [--tlp MAX] [--query 'TERMS'] [--out FILE]",
     "share what the store knows: STIX 2.1, MISP, CSV or a block list",
     "  --format F     stix (a STIX 2.1 bundle, TLP 2.0 markings on every object),\n"
     "                 misp (a MISP event), csv (a row per observable) or\n"
     "                 blocklist (a value per line; never what vetting blocked)\n"
     "  --type LIST    STIX types (ipv4-addr, domain-name, file, ...) or tix types\n"
     "                 (ipv4, sha256, ip, hash, ...); a block list defaults to IPs,\n"
     "                 domains and URLs\n"
     "  --family F     evidence names the malware family F (any case)\n"
     "  --source S     evidence comes from source S\n"
     "  --since DATE   last seen at or after DATE\n"
     "  --active       not blocked by vetting and seen in the last 30 days\n"
     "  --active-days N  ... in the last N days (implies --active)\n"
     "  --min-confidence N  confidence at least N (0-100)\n"
     "  --country CC   placed in country CC (tix enrich)\n"
     "  --constituency NAME  the responsible CERT or agency is NAME (any case)\n"
     "  --tlp MAX      nothing marked above MAX (clear, green, amber, amber+strict,\n"
     "                 red); what is above is counted as withheld\n"
     "  --query TERMS  a saved query: type=... family=... source=... since=...\n"
     "                 active[=DAYS] min-confidence=N country=CC constituency=NAME\n"
     "                 tlp=MAX; the options above override its terms\n"
     "  --out FILE     write FILE (replaced whole, only when the export succeeds)\n"
     "A summary (observables, objects, withheld by TLP) goes to standard error.\n"},
    {"serve", cmd_serve,
     "[--listen ADDR:PORT] [--tls-cert F --tls-key F] [--threads N] [--readers N]"
     " [--max-body BYTES] [--refresh SECONDS] [--public-url URL]",
     "the TAXII 2.1 server: collections for partners, every answer audited",
     "  --listen A:P   address and port (default 127.0.0.1:9443; port 0 picks a free\n"
     "                 one); the real one is printed on standard error:\n"
     "                 tix serve: listening on http://ADDR:PORT/taxii2/\n"
     "  --tls-cert F, --tls-key F  PEM certificate and key: HTTPS\n"
     "  --threads N    0 (default): a thread per connection; N: a pool of N\n"
     "  --readers N    read-only store connections (default 8)\n"
     "  --max-body B   largest request body (default 16 MiB); larger gets 413\n"
     "  --refresh S    refresh query collections every S seconds\n"
     "  --public-url U the base URL discovery names (behind a proxy)\n"
     "Discovery is /taxii2/, the API root /api/. Partners authenticate with their\n"
     "token (HTTP Bearer, or Basic with the partner name as user). SIGINT or\n"
     "SIGTERM stops the server after the requests in flight. See docs/taxii.md.\n"},
    {"collection", cmd_collection,
     "add NAME (--query 'TERMS' | --store) [--title T] [--description D] | list |"
     " refresh [NAME...] | rm NAME",
     "the collections the TAXII server shares",
     "  add NAME --query 'TERMS'  a saved query over the store (e.g. 'family=Emotet\n"
     "                 country=NG active', as tix export --query takes it): filled\n"
     "                 at once with what tix export --format stix writes for it\n"
     "  add NAME --store           a plain store for what partners POST\n"
     "  --title T, --description D  what partners see\n"
     "  list [--format text|jsonl] id, name, kind, objects, query\n"
     "  refresh [NAME...]  bring query collections up to date with the store (new\n"
     "                 and changed objects appended, those no longer selected\n"
     "                 removed); tix serve does it at start and every --refresh\n"
     "  rm NAME        remove it, its objects and its grants (the audit log stays)\n"},
    {"partner", cmd_partner,
     "add NAME --kind K --country CC --clearance L | token NAME | grant NAME C R |"
     " revoke NAME [C [R]] | allow-red NAME ID... | list",
     "the partners of the TAXII server: tokens, clearance, grants",
     "  add NAME --kind police|cert|vendor --country CC\n"
     "          --clearance clear|green|amber|amber+strict|red\n"
     "                 prints the token once, as 'token: tix_...'\n"
     "  token NAME     a new token (printed once); the old one stops working\n"
     "  grant NAME COLLECTION read|write|read,write   add rights (write does not\n"
     "                 imply read)\n"
     "  revoke NAME COLLECTION [read|write]  take rights away (all by default)\n"
     "  revoke NAME    revoke the partner: its token no longer works\n"
     "  allow-red NAME ID...  name the partner on TLP:RED objects: observable ids\n"
     "                 (what objects derive from) or object ids\n"
     "  list [--format text|jsonl]  never shows tokens\n"},
    {"audit", cmd_audit,
     "[--partner P] [--object ID] [--collection C] [--since DATE] [--format text|jsonl]"
     " [--ids]",
     "who received what from the TAXII server, and when",
     "  --partner P    one partner's requests\n"
     "  --object ID    requests that sent some version of this object (also after\n"
     "                 it left its collection)\n"
     "  --collection C one collection's (name or id)\n"
     "  --since DATE   from DATE on\n"
     "  --format F     text (default): TIME PARTNER COLLECTION REQUEST STATUS\n"
     "                 OBJECTS SHA-256 of the body, tab-separated; or jsonl\n"
     "  --ids          with each request, the object ids and versions it sent\n"
     "Oldest first.\n"},
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
    fprintf(f, "usage: tix [--db PATH] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'tix COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
    /* global options come before the command */
    while (argc >= 2 && strncmp(argv[1], "--db", 4) == 0) {
        if (argv[1][4] == '=') {
            cli_set_db(argv[1] + 5);
            argv++, argc--;
        } else if (argv[1][4] == 0 && argc >= 3) {
            cli_set_db(argv[2]);
            argv += 2, argc -= 2;
        } else {
            break;
        }
    }
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
