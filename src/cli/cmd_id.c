/* cmd_id.c - tix id: what tix makes of a value typed on the command line. */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"

int cmd_id(int argc, char **argv)
{
    if (argc < 2) {
        cli_error("id", "usage: tix id VALUE...");
        return 2;
    }
    int status = 0;
    tix_buf out = TIX_BUF_INIT(0);
    for (int i = 1; i < argc; i++) {
        tix_diag d = TIX_DIAG_INIT;
        tix_obs_type type;
        tix_buf_reset(&out);
        if (tix_obs_identify(argv[i], strlen(argv[i]), &type, &out, &d) != TIX_EOK) {
            cli_error("id", "%s", d.msg);
            status = 1;
            continue;
        }
        char id[TIX_STIX_ID_MAX];
        if (tix_obs_stix_id(type, out.p, out.len, id, &d) != TIX_EOK) {
            cli_error("id", "%s", d.msg);
            status = 1;
            continue;
        }
        printf("%s\t%s\t%s\n", tix_obs_name(type), out.p, id);
    }
    tix_buf_free(&out);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("id", "write error: %s", strerror(errno));
        status = 1;
    }
    return status;
}
