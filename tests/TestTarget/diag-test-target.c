/*
 * diag-test-target: the real processes Diag's tests diagnose.
 *
 * Usage: diag-test-target MODE [ARGS...]
 *
 * Long-running modes print "THREAD <name> <tid>" for each thread they create, then
 * "READY <pid>", and run until their standard input reaches end of file (so a test that dies
 * never leaves a target behind) or until killed. While running they answer lines on stdin:
 *   status   -> "STATUS <key>=<value> ..." (mode-specific counters)
 *   exit     -> exit(0)
 * Short modes (getppid, arenas, fork) do their work and exit with status 0.
 *
 * Modes:
 *   threads N K       N named threads, the first K spin on the CPU ("spin-i"), the others block in
 *                     one of futex, clock_nanosleep, pause, read (pipe) or recvfrom (UDP), named after
 *                     the call ("futex-i", "nanosleep-i", "pause-i", "read-i", "recvfrom-i").
 *   recvfrom-spin     the seed-000 bug: thread "NatThread" loops on recvfrom on a non-blocking UDP
 *                     socket that never has data (every call fails with EAGAIN).
 *   getppid N M       exactly N getppid calls, then M open() calls on a missing path (ENOENT), exit 0.
 *   arenas T          T threads ("arena-i") each malloc() at start so glibc creates per-thread
 *                     arenas (64 MiB heaps mapped with mmap), then join and exit 0.
 *   progress [N K]    worker thread "worker" loops: raise(SIGUSR1), getppid, 1 ms sleep; records the
 *                     longest gap between iterations. status: iterations, sent, received, maxgap_us.
 *                     With N K, also N threads as "threads N K" (a busy process that counts signals).
 *   churn             thread "churner" creates and joins short-lived threads ("ephemeral") in a loop.
 *                     status: created.
 *   process-churn     thread "forker" forks children named "diag-vanishing" that exit 1 ms later, and reaps them,
 *                     in a loop: a process found by name is gone before it is read. status: created.
 *   fork C N          forks C children, each makes N getppid calls and exits 0; waits for them; exit 0.
 *   sleep             just the main thread, blocked reading stdin.
 *   rename NAME       the main thread renames itself (prctl PR_SET_NAME, so the process comm) to NAME,
 *                     which may hold spaces and parentheses, e.g. "a) b (c"; then like sleep.
 *   spawn MODE ARGS   runs MODE ARGS in a child process (same stdin/stdout) and waits for it; exits with
 *                     its status. The child is then not a child of the test host: a tracer in the host
 *                     must not trace its own children (the runtime's waitpid would take their stops).
 *   daemon MODE ARGS  forks; the parent exits at once and the child runs MODE ARGS (same stdin/stdout),
 *                     so the target is nobody's child in the test host and keeps the executable's name
 *                     (a copy named "vpnserver" is a stand-in for the server a help example names).
 *   zombie            forks a child that exits at once and is never waited for: a zombie, announced as
 *                     "THREAD zombie <pid>"; then like sleep.
 *   stacks            threads parked in known functions for stack tests (see stacks.c).
 *   vfork-hold MS     thread "vforker" waits in vfork (State D) for a child that sleeps MS ms (stacks.c).
 *   thread-exec N     a second thread execs this program as "getppid N 0" while the main thread
 *                     sleeps: execve from a non-leader thread (it takes over the process id); exit 0.
 *   credentials UID GID [core] [dumpable]  (coredump.c) switches to UID/GID as a server started by root
 *                     does (after raising its core limit), optionally dumpable again; then like sleep.
 *                     Extra arguments of sleep are ignored (a copy named mysqld runs "sleep --core-file").
 *
 * Pipe and socket modes (pipes.c) also print "PROCESS <role> <pid>" for each process they create:
 *   pipe-selfloop [FD] the supervisord leak: a child ("worker") gets the pipe's write end as fds 1 and 2
 *                     and keeps its read end at FD (1066) and a write end at FD+1, fds 3..1023 closed;
 *                     the parent exits once the worker is blocked in write(1) on the full pipe. READY
 *                     names the worker, which exits at stdin EOF.
 *   pipeline BYTES    "writer | reader": writer's fd 1 wrote BYTES into reader's fd 0; the reader reads
 *                     nothing until "status", which makes it drain the pipe and print STATUS read=N.
 *   pipe-orphans      fd 20 writes to a pipe whose reader exited, fd 21 reads a pipe whose writer exited
 *                     after writing 5 bytes. status: writes one byte to fd 20 (write_errno=32, EPIPE)
 *                     and counts fd 21's unread bytes (unread=5).
 *   fifo PATH         makes FIFO PATH; this process writes it (fd 21), child "reader" is blocked
 *                     reading it (fd 20).
 *   unix-pair [TYPE]  socketpair (stream, dgram or seqpacket): this process fd 20, child "peer" fd 21,
 *                     blocked reading it.
 *   unix-server PATH  listens on PATH (fd 20; "@name": abstract), accepted fd 21 from child "client"
 *                     (fd 20, sent 100 bytes not read), child "pending" connected but never accepted;
 *                     "%d" in PATH becomes this process's ID.
 *   pipe-shared       one pipe held by three processes: this one and "writer" (write end fd 20),
 *                     "reader" (read end fd 21).
 *   pipe-churn        a thread forks children that open a pipe and a socketpair and exit 2 ms later.
 *   pipe-farm P F     P processes of F fds each, chained like a shell pipeline ("first" fd 1 feeds
 *                     "second" fd 0, and so on), the other fds pipes, socketpairs and /dev/null.
 *   as-user UID MODE ARGS  runs MODE ARGS as user and group UID (65534: nobody), still dumpable.
 *   netns MODE ARGS   runs MODE ARGS in a new network namespace, as a container's processes are.
 *   calls             thread "caller" makes getppid/open/fork/nanosleep calls on stdin commands (tracing.c).
 *   exec-on-line PROGRAM ARGS   waits for a line on stdin, then execs PROGRAM (tracing.c).
 *
 * Memory, limit and exit modes (procmem.c) also answer "exit N" (exit status N), "raise N" (die of signal N)
 * and "crash" (core limit raised, SIGSEGV) on stdin:
 *   arenas-hold T KIB T threads ("arena-i") that each malloc KIB KiB (default 1024) in 4 KiB blocks while all
 *                     are alive, so each has its own glibc arena, then stay parked in futex.
 *   grow-anon [STEP_MIB MS]  one 1 GiB anonymous mapping (MAP_NORESERVE), 1 MiB touched; "grow N" touches N more
 *                     MiB (answers DONE grow); with STEP_MIB MS, thread "grower" touches STEP_MIB more every MS ms
 *                     up to 512 MiB. status: touched_mib, start (the mapping's address).
 *   nofile-fill P L   lowers its soft open-files limit to L (kept when 0) and opens /dev/null until P% of it is open.
 *                     status: open.
 *   mappings N        N one-page anonymous mappings, alternately rw-p and r--p (so the kernel cannot merge them).
 *   nofile-spawn L MODE ARGS  lowers its soft open-files limit to L, then runs MODE ARGS in a child (which inherits
 *                     it) and waits for it, as spawn does.
 *   nofile-soft-max   raises its soft open-files limit to the hard limit, as Java and mysqld do at start.
 *   exits             just the main thread, waiting for one of the commands above.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int pipes_mode(int argc, char **argv); /* pipes.c: the pipe and socket modes, -1 for any other */
int mode_stacks(void), mode_vfork_hold(long ms); /* stacks.c */

static void die(const char *what) { perror(what); exit(2); }

int mode_calls(void);                     /* tracing.c */
int mode_signals(void);                   /* tracing.c */
int procmem_mode(int argc, char **argv);  /* procmem.c: the memory, limit and exit modes, -1 for any other */
int mode_exec_on_line(char **argv);       /* tracing.c */

static pid_t tid(void) { return (pid_t)syscall(SYS_gettid); }

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int ready_threads; /* threads that have announced themselves */

static void announce_thread(const char *name)
{
    pthread_setname_np(pthread_self(), name);
    pthread_mutex_lock(&print_lock);
    printf("THREAD %s %d\n", name, tid());
    fflush(stdout);
    pthread_mutex_unlock(&print_lock);
    atomic_fetch_add(&ready_threads, 1);
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- threads N K ---- */

struct named { char name[16]; int kind; };
enum { SPIN, FUTEX, NANOSLEEP, PAUSE, READ, RECVFROM, SLEEPER_KINDS = 5 };

static pthread_mutex_t never_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_cond = PTHREAD_COND_INITIALIZER;

static int udp_socket(int nonblocking)
{
    int s = socket(AF_INET, SOCK_DGRAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (s < 0) die("socket");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0 };
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    return s;
}

static void *named_thread(void *arg)
{
    struct named *n = arg;
    announce_thread(n->name);
    switch (n->kind) {
    case SPIN: {
        volatile uint64_t x = 0;
        for (;;) x++;
    }
    case FUTEX:
        pthread_mutex_lock(&never_mutex);
        for (;;) pthread_cond_wait(&never_cond, &never_mutex);
    case NANOSLEEP:
        for (;;) { struct timespec ts = { 3600, 0 }; nanosleep(&ts, NULL); }
    case PAUSE:
        for (;;) pause();
    case READ: {
        int p[2];
        if (pipe(p) < 0) die("pipe");
        char c;
        for (;;) if (read(p[0], &c, 1) < 0 && errno != EINTR) die("read");
    }
    case RECVFROM: {
        int s = udp_socket(0);
        char buf[64];
        for (;;) recvfrom(s, buf, sizeof buf, 0, NULL, NULL);
    }
    }
    return NULL;
}

static void start_named(const char *name, int kind, size_t stack)
{
    struct named *n = calloc(1, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->kind = kind;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_t t;
    int rc = pthread_create(&t, &attr, named_thread, n);
    if (rc) { errno = rc; die("pthread_create"); }
    pthread_attr_destroy(&attr);
}

/* Returns the number of threads that will announce themselves. */
static int mode_threads(int n, int k)
{
    static const char *kinds[SLEEPER_KINDS] = { "futex", "nanosleep", "pause", "read", "recvfrom" };
    for (int i = 0; i < n; i++) {
        char name[16];
        int kind = i < k ? SPIN : FUTEX + (i - k) % SLEEPER_KINDS;
        snprintf(name, sizeof name, "%s-%d", i < k ? "spin" : kinds[kind - FUTEX], i);
        start_named(name, kind, 64 * 1024);
    }
    return n;
}

/* ---- recvfrom-spin ---- */

static atomic_ulong recv_calls;

static void *nat_thread(void *arg)
{
    (void)arg;
    announce_thread("NatThread");
    int s = udp_socket(1);
    char buf[1500];
    struct sockaddr_in from;
    for (;;) {
        socklen_t len = sizeof from;
        recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        atomic_fetch_add(&recv_calls, 1);
    }
    return NULL;
}

/* ---- progress ---- */

static atomic_ulong iterations, sent, received, maxgap_us;

static void on_usr1(int sig) { (void)sig; atomic_fetch_add(&received, 1); }

static void *worker_thread(void *arg)
{
    (void)arg;
    announce_thread("worker");
    uint64_t last = now_us();
    for (;;) {
        raise(SIGUSR1); /* delivered to this thread before raise returns */
        atomic_fetch_add(&sent, 1);
        syscall(SYS_getppid);
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
        uint64_t now = now_us(), gap = now - last;
        last = now;
        if (gap > atomic_load(&maxgap_us)) atomic_store(&maxgap_us, gap);
        atomic_fetch_add(&iterations, 1);
    }
    return NULL;
}

/* ---- churn ---- */

static atomic_ulong created;

static void *ephemeral(void *arg) { (void)arg; syscall(SYS_getppid); return NULL; }

static void *churn_thread(void *arg)
{
    (void)arg;
    announce_thread("churner");
    for (;;) {
        pthread_t t;
        if (pthread_create(&t, NULL, ephemeral, NULL) == 0) {
            pthread_setname_np(t, "ephemeral");
            pthread_join(t, NULL);
            atomic_fetch_add(&created, 1);
        }
        usleep(200);
    }
    return NULL;
}

static void *forker_thread(void *arg)
{
    (void)arg;
    announce_thread("forker");
    for (;;) {
        pid_t p = fork();
        if (p == 0) {
            prctl(PR_SET_NAME, "diag-vanishing");
            usleep(1000);
            _exit(0);
        }
        if (p > 0) {
            waitpid(p, NULL, 0);
            atomic_fetch_add(&created, 1);
        }
    }
    return NULL;
}

/* ---- short modes ---- */

static int mode_getppid(long n, long m)
{
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    for (long i = 0; i < m; i++) {
        int fd = open("/nonexistent/diag-test-target", O_RDONLY);
        if (fd >= 0) close(fd);
    }
    return 0;
}

static void *arena_thread(void *arg)
{
    char name[16];
    snprintf(name, sizeof name, "arena-%d", (int)(intptr_t)arg);
    announce_thread(name);
    /* First malloc in a new thread: glibc gives it its own arena. volatile: the compiler would
       otherwise drop the malloc/memset/free of memory nobody reads. */
    void *volatile p = malloc(1024);
    memset(p, 1, 1024);
    usleep(50000);
    free(p);
    return NULL;
}

static int mode_arenas(int t)
{
    pthread_t th[64];
    if (t > 64) t = 64;
    for (int i = 0; i < t; i++)
        if (pthread_create(&th[i], NULL, arena_thread, (void *)(intptr_t)i)) die("pthread_create");
    for (int i = 0; i < t; i++) pthread_join(th[i], NULL);
    return 0;
}

static int mode_fork(int c, long n)
{
    for (int i = 0; i < c; i++) {
        pid_t p = fork();
        if (p < 0) die("fork");
        if (p == 0) {
            for (long j = 0; j < n; j++) syscall(SYS_getppid);
            _exit(0);
        }
    }
    int status, rc = 0;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) rc = 1;
    return rc;
}

/* ---- the command loop of long-running modes ---- */

static void print_status(const char *mode)
{
    if (!strcmp(mode, "progress"))
        printf("STATUS iterations=%lu sent=%lu received=%lu maxgap_us=%lu\n", atomic_load(&iterations),
               atomic_load(&sent), atomic_load(&received), atomic_load(&maxgap_us));
    else if (!strcmp(mode, "churn") || !strcmp(mode, "process-churn"))
        printf("STATUS created=%lu\n", atomic_load(&created));
    else if (!strcmp(mode, "recvfrom-spin"))
        printf("STATUS recvfrom=%lu\n", atomic_load(&recv_calls));
    else
        printf("STATUS threads=%d\n", atomic_load(&ready_threads));
    fflush(stdout);
}

static int serve(const char *mode)
{
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "status", 6)) print_status(mode);
        else if (!strncmp(line, "exit", 4)) return 0;
    }
    return 0;
}

static void start_thread(void *(*fn)(void *))
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, NULL)) die("pthread_create");
}

static char thread_exec_count[24];

static void *exec_thread(void *arg)
{
    (void)arg;
    char *args[] = { "/proc/self/exe", "getppid", thread_exec_count, "0", NULL };
    execv(args[0], args);
    die("execv");
    return NULL;
}

static int mode_thread_exec(long n)
{
    snprintf(thread_exec_count, sizeof thread_exec_count, "%ld", n);
    start_thread(exec_thread);
    for (;;) pause(); /* ended by the execve of the other thread */
    return 0;
}

static int mode_spawn(char **argv)
{
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
        argv[1] = argv[0]; /* argv[1..] = this program, MODE, ARGS */
        execv("/proc/self/exe", argv + 1);
        die("execv");
    }
    int status;
    while (waitpid(p, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s threads N K | recvfrom-spin | getppid N M | arenas T | progress [N K] | churn | fork C N | sleep | zombie | stacks | vfork-hold MS | rename NAME | spawn MODE ARGS | daemon MODE ARGS | thread-exec N | credentials UID GID | pipe modes (see above) | calls | signals | exec-on-line PROGRAM ARGS\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    long a = argc > 2 ? atol(argv[2]) : 0, b = argc > 3 ? atol(argv[3]) : 0;

    if (!strcmp(mode, "spawn") && argc > 2) return mode_spawn(argv);
    if (!strcmp(mode, "daemon") && argc > 2) {
        pid_t p = fork();
        if (p < 0) die("fork");
        if (p > 0) _exit(0);
        return main(argc - 1, argv + 1);
    }
    { int rc = pipes_mode(argc, argv); if (rc >= 0) return rc; }
    { int rc = procmem_mode(argc, argv); if (rc >= 0) return rc; }
    if (!strcmp(mode, "thread-exec")) return mode_thread_exec(a);
    if (!strcmp(mode, "calls")) return mode_calls();
    if (!strcmp(mode, "signals")) return mode_signals();
    if (!strcmp(mode, "exec-on-line") && argc > 2) return mode_exec_on_line(argv + 2);
    if (!strcmp(mode, "getppid")) return mode_getppid(a, b);
    if (!strcmp(mode, "arenas")) return mode_arenas((int)a);
    if (!strcmp(mode, "fork")) return mode_fork((int)a, b);

    int expected = 1;
    if (!strcmp(mode, "threads")) expected = mode_threads((int)a, (int)b);
    else if (!strcmp(mode, "recvfrom-spin")) start_thread(nat_thread);
    else if (!strcmp(mode, "progress")) {
        struct sigaction sa = { .sa_handler = on_usr1 };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        start_thread(worker_thread);
        expected += mode_threads((int)a, (int)b);
    } else if (!strcmp(mode, "churn")) start_thread(churn_thread);
    else if (!strcmp(mode, "process-churn")) start_thread(forker_thread);
    else if (!strcmp(mode, "sleep")) expected = 0;
    else if (!strcmp(mode, "zombie")) {
        pid_t child = fork();
        if (child < 0) die("fork");
        if (child == 0) _exit(0);
        while (1) { /* announce it once it really is a zombie */
            char path[64], state = 0;
            snprintf(path, sizeof path, "/proc/%d/stat", child);
            FILE *f = fopen(path, "r");
            if (f) { if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1) state = 0; fclose(f); }
            if (state == 'Z') break;
            usleep(1000);
        }
        printf("THREAD zombie %d\n", child);
        fflush(stdout);
        expected = 0;
    }
    else if (!strcmp(mode, "credentials") && argc > 3) { extern void mode_credentials(int, char **); mode_credentials(argc, argv); expected = 0; }
    else if (!strcmp(mode, "stacks")) expected = mode_stacks();
    else if (!strcmp(mode, "vfork-hold")) expected = mode_vfork_hold(a);
    else if (!strcmp(mode, "rename") && argc > 2) {
        if (prctl(PR_SET_NAME, argv[2], 0, 0, 0) < 0) die("prctl");
        expected = 0;
    }
    else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    /* READY comes after every THREAD line, so a test can read the thread ids before it starts. */
    while (atomic_load(&ready_threads) < expected) usleep(1000);
    return serve(mode);
}
