/*
 * Modes for Watch-ProcessExec's scenarios (see the header of diag-test-target.c). Short modes: they do their work
 * and exit; counts are exact so that a watch can be checked against them.
 *
 *   forkloop N        the seed's planted daemon: forks a child and exits, the child does the same, N generations
 *                     (N forks, N + 1 exits, every process short-lived), the last one exits 0.
 *   supervise R PROGRAM ARGS
 *                     a respawning supervisor: a child subreaper (orphans come back to it, as to init) that runs
 *                     PROGRAM through execvp (PATH search) R times, each time once the previous one exited, and
 *                     reaps every orphan; exits 0 when none is left.
 *   lifecycle F E K PROGRAM ARGS
 *                     F children that exit 7, then E children that exec PROGRAM ARGS (execv), then K children
 *                     killed by SIGKILL; waits for each in turn; exit 0.
 *   exit N            exits with status N at once (the program lifecycle's children run).
 *   exec-fail PATH..  tries execv on each PATH (each must fail), prints "ERRNO <path> <errno>" for each; exit 0.
 *   tiny-elf PATH     writes a 129-byte static x86_64 program that exits 0 (no loader, no libc), mode 0755.
 *   exec-storm N PROGRAM
 *                     N times vfork + execv(PROGRAM) + waitpid, as fast as it goes; prints "STORM <N> <ns>"; exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what) { perror(what); exit(2); }

static int mode_forkloop(long n)
{
    for (long generation = 0; generation < n; generation++) {
        pid_t child = fork();
        if (child < 0) fail("fork");
        if (child > 0) _exit(0); /* the parent leaves; the child goes on */
    }
    return 0;
}

static int mode_supervise(long respawns, char **program)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail("prctl");
    for (long i = 0; i < respawns; i++) {
        pid_t child = fork();
        if (child < 0) fail("fork");
        if (child == 0) {
            execvp(program[0], program);
            _exit(127);
        }
        /* Wait for this child; orphans that come back meanwhile are reaped as they end. */
        for (;;) {
            int status;
            pid_t done = waitpid(-1, &status, 0);
            if (done < 0 && errno == EINTR) continue;
            if (done < 0) fail("waitpid");
            if (done == child) break;
        }
    }
    while (wait(NULL) > 0 || errno == EINTR) { }
    return 0;
}

static int mode_lifecycle(long exits, long execs, long kills, char **program)
{
    for (long i = 0; i < exits + execs + kills; i++) {
        pid_t child = fork();
        if (child < 0) fail("fork");
        if (child == 0) {
            if (i < exits) _exit(7);
            if (i < exits + execs) { execv(program[0], program); _exit(127); }
            for (;;) pause();
        }
        if (i >= exits + execs) kill(child, SIGKILL);
        int status;
        while (waitpid(child, &status, 0) < 0) if (errno != EINTR) fail("waitpid");
    }
    return 0;
}

static int mode_exec_fail(int count, char **paths)
{
    for (int i = 0; i < count; i++) {
        char *argv[] = { paths[i], "--diag-failed-exec", NULL };
        execv(paths[i], argv);
        printf("ERRNO %s %d\n", paths[i], errno);
    }
    fflush(stdout);
    return 0;
}

/* ELF64 header, one PT_LOAD program header, then: xor edi,edi; mov eax,60; syscall (exit(0)). */
static int mode_tiny_elf(const char *path)
{
    unsigned char image[129] = { 0 };
    const unsigned char ident[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
    memcpy(image, ident, sizeof ident);
    uint64_t base = 0x400000, entry = base + 120;
    *(uint16_t *)(image + 16) = 2;      /* ET_EXEC */
    *(uint16_t *)(image + 18) = 0x3e;   /* EM_X86_64 */
    *(uint32_t *)(image + 20) = 1;
    *(uint64_t *)(image + 24) = entry;
    *(uint64_t *)(image + 32) = 64;     /* e_phoff */
    *(uint16_t *)(image + 52) = 64;     /* e_ehsize */
    *(uint16_t *)(image + 54) = 56;     /* e_phentsize */
    *(uint16_t *)(image + 56) = 1;      /* e_phnum */
    unsigned char *ph = image + 64;
    *(uint32_t *)(ph + 0) = 1;          /* PT_LOAD */
    *(uint32_t *)(ph + 4) = 5;          /* PF_R | PF_X */
    *(uint64_t *)(ph + 16) = base;
    *(uint64_t *)(ph + 24) = base;
    *(uint64_t *)(ph + 32) = sizeof image;
    *(uint64_t *)(ph + 40) = sizeof image;
    *(uint64_t *)(ph + 48) = 0x1000;
    const unsigned char code[] = { 0x31, 0xff, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05 };
    memcpy(image + 120, code, sizeof code);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0) fail("open");
    if (write(fd, image, sizeof image) != (ssize_t)sizeof image) fail("write");
    close(fd);
    return 0;
}

/* One vfork + exec + wait; a function of its own so that no local of the caller lives across vfork. */
static __attribute__((noinline)) void spawn_once(char *program)
{
    char *argv[] = { program, NULL };
    pid_t child = vfork();
    if (child < 0) fail("vfork");
    if (child == 0) { execv(program, argv); _exit(127); }
    int status;
    while (waitpid(child, &status, 0) < 0) if (errno != EINTR) fail("waitpid");
}

static int mode_exec_storm(long n, char *program)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) spawn_once(program);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("STORM %ld %lld\n", n, (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
    fflush(stdout);
    return 0;
}

/* The process modes, or -1 for any other. */
int processes_mode(int argc, char **argv)
{
    const char *mode = argv[1];
    if (!strcmp(mode, "forkloop") && argc > 2) return mode_forkloop(atol(argv[2]));
    if (!strcmp(mode, "supervise") && argc > 3) return mode_supervise(atol(argv[2]), argv + 3);
    if (!strcmp(mode, "lifecycle") && argc > 5) return mode_lifecycle(atol(argv[2]), atol(argv[3]), atol(argv[4]), argv + 5);
    if (!strcmp(mode, "exit") && argc > 2) return atoi(argv[2]);
    if (!strcmp(mode, "exec-fail")) return mode_exec_fail(argc - 2, argv + 2);
    if (!strcmp(mode, "tiny-elf") && argc > 2) return mode_tiny_elf(argv[2]);
    if (!strcmp(mode, "exec-storm") && argc > 3) return mode_exec_storm(atol(argv[2]), argv[3]);
    return -1;
}
