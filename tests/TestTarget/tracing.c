/*
 * Modes for the syscall tracers' attached scenarios (see the header of diag-test-target.c):
 *
 *   calls             thread "caller" makes system calls on command, so that a tracer attached before
 *                     the command sees an exact number of them. Commands on stdin, each answered by
 *                     "DONE <command>" once the caller finished it:
 *                       calls N M   N getppid calls, then M open() calls on a missing path (ENOENT)
 *                       fork C N    forks C children, each makes N getppid calls and exits 0; waits for them
 *                       sleep MS    one nanosleep of MS milliseconds
 *                     plus status ("STATUS done=K") and exit, like the other long-running modes.
 *   signals           counts SIGUSR1 (a handler with SA_RESTART, so the main thread's read of its commands
 *                     is interrupted and restarted by each one): status answers "STATUS received=N".
 *   exec-on-line PROGRAM ARGS
 *                     prints READY, waits for one line on stdin, then execs PROGRAM (PATH search) with
 *                     ARGS: a process a tracer can attach to before the program starts (benchmarks).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct command { char verb[16]; long a, b; };

static int to_caller[2], from_caller[2];

static void caller_calls(long n, long m)
{
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    for (long i = 0; i < m; i++) {
        int fd = open("/nonexistent/diag-test-target", O_RDONLY);
        if (fd >= 0) close(fd);
    }
}

static void caller_fork(long c, long n)
{
    for (long i = 0; i < c; i++) {
        pid_t p = fork();
        if (p < 0) { perror("fork"); exit(2); }
        if (p == 0) {
            for (long j = 0; j < n; j++) syscall(SYS_getppid);
            _exit(0);
        }
    }
    while (wait(NULL) > 0) { }
}

static void *caller_thread(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "caller");
    printf("THREAD caller %ld\n", (long)syscall(SYS_gettid)); /* the main thread waits for the ack below */
    fflush(stdout);
    char ready = 1;
    if (write(from_caller[1], &ready, 1) != 1) exit(2);
    struct command c;
    while (read(to_caller[0], &c, sizeof c) == (ssize_t)sizeof c) {
        if (!strcmp(c.verb, "calls")) caller_calls(c.a, c.b);
        else if (!strcmp(c.verb, "fork")) caller_fork(c.a, c.b);
        else if (!strcmp(c.verb, "sleep")) {
            struct timespec ts = { c.a / 1000, (c.a % 1000) * 1000000L };
            nanosleep(&ts, NULL);
        }
        char done = 1;
        if (write(from_caller[1], &done, 1) != 1) exit(2);
    }
    return NULL;
}

int mode_calls(void)
{
    if (pipe(to_caller) || pipe(from_caller)) { perror("pipe"); return 2; }
    pthread_t t;
    if (pthread_create(&t, NULL, caller_thread, NULL)) { perror("pthread_create"); return 2; }
    char ack;
    if (read(from_caller[0], &ack, 1) != 1) return 2; /* the caller announced itself */
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[128];
    long done = 0;
    while (fgets(line, sizeof line, stdin)) {
        struct command c = { 0 };
        if (sscanf(line, "%15s %ld %ld", c.verb, &c.a, &c.b) < 1) continue;
        if (!strcmp(c.verb, "exit")) break;
        if (!strcmp(c.verb, "status")) { printf("STATUS done=%ld\n", done); fflush(stdout); continue; }
        if (write(to_caller[1], &c, sizeof c) != (ssize_t)sizeof c || read(from_caller[0], &ack, 1) != 1) return 2;
        done++;
        printf("DONE %s\n", c.verb);
        fflush(stdout);
    }
    return 0;
}

int mode_exec_on_line(char **argv)
{
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return 0;
    execvp(argv[0], argv);
    perror("execvp");
    return 127;
}

static volatile sig_atomic_t usr1_received;

static void count_usr1(int sig) { (void)sig; usr1_received++; }

int mode_signals(void)
{
    struct sigaction sa = { .sa_handler = count_usr1, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL)) { perror("sigaction"); return 2; }
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "status", 6)) { printf("STATUS received=%d\n", (int)usr1_received); fflush(stdout); }
        else if (!strncmp(line, "exit", 4)) break;
    }
    return 0;
}
