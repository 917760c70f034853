/*
 * coredump.c: the processes Test-CoreDumpConfig's tests check (dispatched from diag-test-target.c).
 *
 *   credentials UID GID [core] [dumpable]
 *       a server that started as root and switched user: with "core" it first raises its soft core limit
 *       to the hard one (as root; afterwards only a privileged prlimit could), then drops its supplementary
 *       groups, setgid(GID), setuid(UID). The kernel then marks it non-dumpable (the files in its /proc
 *       directory belong to root) under fs.suid_dumpable 0 or 2; with "dumpable" it marks itself dumpable
 *       again (prctl PR_SET_DUMPABLE 1), as a process started directly as UID is.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static int has_option(int argc, char **argv, const char *option)
{
    for (int i = 4; i < argc; i++)
        if (!strcmp(argv[i], option)) return 1;
    return 0;
}

void mode_credentials(int argc, char **argv)
{
    uid_t uid = (uid_t)strtoul(argv[2], NULL, 10);
    gid_t gid = (gid_t)strtoul(argv[3], NULL, 10);
    if (has_option(argc, argv, "core")) {
        struct rlimit core;
        if (getrlimit(RLIMIT_CORE, &core) < 0) { perror("getrlimit"); exit(2); }
        core.rlim_cur = core.rlim_max;
        if (setrlimit(RLIMIT_CORE, &core) < 0) { perror("setrlimit"); exit(2); }
    }
    if (setgroups(0, NULL) < 0) { perror("setgroups"); exit(2); }
    if (setgid(gid) < 0) { perror("setgid"); exit(2); }
    if (setuid(uid) < 0) { perror("setuid"); exit(2); }
    if (has_option(argc, argv, "dumpable") && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) { perror("prctl"); exit(2); }
}
