/*
 * Memory, limit and exit modes of diag-test-target, for Get-ProcessMemoryMap, Get-ProcessLimit and
 * Wait-ProcessExit (dispatched from main() in diag-test-target.c, documented in its header comment).
 * They print THREAD/READY lines as the other modes do and then read commands on stdin until end of file:
 *   status         -> "STATUS key=value ..." (mode-specific)
 *   grow N         (grow-anon) touches N more MiB of the mapping -> "DONE grow"
 *   exit N         exits with status N
 *   raise N        raises signal N (the default action: killed by it)
 *   crash          raises its core limit to unlimited and dies of SIGSEGV (a core is written to the
 *                  working directory when kernel.core_pattern is a file name)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void procmem_die(const char *what) { perror(what); exit(2); }

static pid_t procmem_tid(void) { return (pid_t)syscall(SYS_gettid); }

static pthread_mutex_t procmem_print = PTHREAD_MUTEX_INITIALIZER;

static void procmem_announce(const char *name)
{
    pthread_setname_np(pthread_self(), name);
    pthread_mutex_lock(&procmem_print);
    printf("THREAD %s %d\n", name, procmem_tid());
    fflush(stdout);
    pthread_mutex_unlock(&procmem_print);
}

/* ---- arenas-hold T KIB: T threads, alive, each with its own malloc arena holding KIB KiB ---- */

static pthread_barrier_t arena_barrier;
static long arena_kib = 1024;
static pthread_mutex_t arena_park = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arena_never = PTHREAD_COND_INITIALIZER;
static atomic_int arenas_ready;

static void *arena_holder(void *arg)
{
    char name[16];
    snprintf(name, sizeof name, "arena-%d", (int)(intptr_t)arg);
    /* All threads allocate while all are alive: each gets a new arena (glibc reuses only arenas of
       exited threads). 4 KiB blocks stay below the mmap threshold, so they come from the arena. */
    pthread_barrier_wait(&arena_barrier);
    for (long i = 0; i < arena_kib / 4; i++) {
        char *volatile p = malloc(4096);
        if (!p) procmem_die("malloc");
        memset(p, 1, 4096);
    }
    procmem_announce(name);
    atomic_fetch_add(&arenas_ready, 1);
    /* Parked in futex: a thread in a system call shows its stack pointer in /proc/PID/task/TID/syscall. */
    pthread_mutex_lock(&arena_park);
    for (;;) pthread_cond_wait(&arena_never, &arena_park);
    return NULL;
}

static int start_arenas(int t, long kib)
{
    if (t < 1) t = 1;
    if (kib > 0) arena_kib = kib;
    pthread_barrier_init(&arena_barrier, NULL, (unsigned)t);
    for (int i = 0; i < t; i++) {
        pthread_t th;
        if (pthread_create(&th, NULL, arena_holder, (void *)(intptr_t)i)) procmem_die("pthread_create");
    }
    while (atomic_load(&arenas_ready) < t) usleep(1000);
    return t;
}

/* ---- grow-anon [STEP_MIB INTERVAL_MS]: one anonymous mapping that grows ---- */

#define GROW_RESERVE (1024L << 20)
#define GROW_CAP (512L << 20)
static char *grow_base;
static atomic_long grow_touched; /* bytes touched so far */
static long grow_step_mib, grow_interval_ms;

static void grow_by(long bytes)
{
    long from = atomic_load(&grow_touched);
    if (from + bytes > GROW_CAP) bytes = GROW_CAP - from;
    for (long off = from; off < from + bytes; off += 4096) grow_base[off] = 1;
    atomic_store(&grow_touched, from + bytes);
}

static atomic_int grower_ready;

static void *grower(void *arg)
{
    (void)arg;
    procmem_announce("grower");
    atomic_store(&grower_ready, 1);
    for (;;) {
        usleep((useconds_t)(grow_interval_ms * 1000));
        if (atomic_load(&grow_touched) < GROW_CAP) grow_by(grow_step_mib << 20);
    }
    return NULL;
}

static void start_grow(long step_mib, long interval_ms)
{
    /* Reserved (NORESERVE) but touched page by page: RSS is what grew, the size stays. */
    grow_base = mmap(NULL, GROW_RESERVE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (grow_base == MAP_FAILED) procmem_die("mmap");
    grow_by(1L << 20);
    if (step_mib > 0 && interval_ms > 0) {
        grow_step_mib = step_mib;
        grow_interval_ms = interval_ms;
        pthread_t th;
        if (pthread_create(&th, NULL, grower, NULL)) procmem_die("pthread_create");
        while (!atomic_load(&grower_ready)) usleep(1000);
    }
}

/* ---- nofile-fill PERCENT LIMIT: soft open-files limit LIMIT, PERCENT of it open ---- */

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) procmem_die("opendir");
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static int open_fds;

static void fill_nofile(long percent, long limit)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r)) procmem_die("getrlimit");
    /* Lowering the soft limit needs no privilege (this machine's root has no CAP_SYS_RESOURCE). */
    if (limit > 0) {
        r.rlim_cur = (rlim_t)limit;
        if (setrlimit(RLIMIT_NOFILE, &r)) procmem_die("setrlimit");
    }
    long want = (long)r.rlim_cur * percent / 100;
    while (count_open_fds() < want)
        if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) procmem_die("open");
    open_fds = count_open_fds();
}

/* ---- nofile-soft-max: soft open-files limit raised to the hard one, as Java and mysqld do at start ---- */

static void raise_nofile_soft(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r)) procmem_die("getrlimit");
    r.rlim_cur = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &r)) procmem_die("setrlimit");
}

/* ---- mappings N: N small mappings (alternately rw-p and r--p, so none merge), as a large server has ---- */

static void make_mappings(long n)
{
    if (n < 1) n = 1;
    char *base = mmap(NULL, (size_t)n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) procmem_die("mmap");
    for (long i = 0; i < n; i++) {
        base[i * 4096] = 1;
        if (i % 2 && mprotect(base + i * 4096, 4096, PROT_READ)) procmem_die("mprotect");
    }
}

/* ---- nofile-spawn L MODE ARGS: lowers its soft open-files limit to L, then runs MODE ARGS in a child that inherits it ---- */

static int nofile_spawn(char **argv)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r)) procmem_die("getrlimit");
    r.rlim_cur = (rlim_t)atol(argv[2]);
    if (setrlimit(RLIMIT_NOFILE, &r)) procmem_die("setrlimit");
    pid_t p = fork();
    if (p < 0) procmem_die("fork");
    if (p == 0) {
        argv[2] = argv[0]; /* argv[2..] = this program, MODE, ARGS */
        execv("/proc/self/exe", argv + 2);
        procmem_die("execv");
    }
    int status;
    while (waitpid(p, &status, 0) < 0)
        if (errno != EINTR) procmem_die("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the command loop ---- */

static void procmem_status(const char *mode)
{
    if (!strcmp(mode, "grow-anon"))
        printf("STATUS touched_mib=%ld start=%lu\n", atomic_load(&grow_touched) >> 20, (unsigned long)(uintptr_t)grow_base);
    else if (!strcmp(mode, "nofile-fill"))
        printf("STATUS open=%d\n", open_fds);
    else
        printf("STATUS arenas=%d\n", atomic_load(&arenas_ready));
    fflush(stdout);
}

static int procmem_serve(const char *mode)
{
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        long n = 0;
        if (!strncmp(line, "status", 6)) procmem_status(mode);
        else if (sscanf(line, "grow %ld", &n) == 1) {
            grow_by(n << 20);
            printf("DONE grow\n");
            fflush(stdout);
        }
        else if (sscanf(line, "exit %ld", &n) == 1) exit((int)n);
        else if (sscanf(line, "raise %ld", &n) == 1) {
            signal((int)n, SIG_DFL);
            raise((int)n);
        }
        else if (!strncmp(line, "crash", 5)) {
            struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
            if (setrlimit(RLIMIT_CORE, &r)) {
                getrlimit(RLIMIT_CORE, &r); /* without CAP_SYS_RESOURCE: as high as the hard limit allows */
                r.rlim_cur = r.rlim_max;
                setrlimit(RLIMIT_CORE, &r);
            }
            signal(SIGSEGV, SIG_DFL);
            raise(SIGSEGV);
        }
        else if (!strncmp(line, "exit", 4)) return 0;
    }
    return 0;
}

/* Returns the exit status of a procmem mode, or -1 when MODE is not one. */
int procmem_mode(int argc, char **argv)
{
    const char *mode = argv[1];
    if (!strcmp(mode, "nofile-spawn") && argc > 3) return nofile_spawn(argv);
    long a = argc > 2 ? atol(argv[2]) : 0, b = argc > 3 ? atol(argv[3]) : 0;
    if (!strcmp(mode, "arenas-hold")) start_arenas(a > 0 ? (int)a : 8, b);
    else if (!strcmp(mode, "grow-anon")) start_grow(a, b);
    else if (!strcmp(mode, "nofile-fill")) fill_nofile(a > 0 ? a : 90, b);
    else if (!strcmp(mode, "nofile-soft-max")) raise_nofile_soft();
    else if (!strcmp(mode, "mappings")) make_mappings(a);
    else if (!strcmp(mode, "exits")) { }
    else return -1;
    return procmem_serve(mode);
}
