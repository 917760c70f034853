/*
 * Pipe and socket modes of diag-test-target, for Get-PipePeer (dispatched from main() in
 * diag-test-target.c, documented in its header comment). Besides THREAD/READY lines these modes
 * print "PROCESS <role> <pid>" for every process they create. Their children end with the mode
 * process (PR_SET_PDEATHSIG), which ends at stdin EOF as the other modes do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv);

static void pipes_die(const char *what) { perror(what); exit(2); }

/* Moves fd to number target (fixed numbers make the tests' expectations exact). */
static void put_fd(int fd, int target)
{
    if (fd == target) return;
    if (dup2(fd, target) < 0) pipes_die("dup2");
    close(fd);
}

static void announce_process(const char *role, pid_t pid)
{
    printf("PROCESS %s %d\n", role, pid);
    fflush(stdout);
}

static pid_t children[4096];
static int child_count;

/* fork(); the child is killed when the mode process ends. */
static pid_t fork_child(void)
{
    pid_t parent = getpid();
    fflush(stdout);
    pid_t p = fork();
    if (p < 0) pipes_die("fork");
    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(0);
        child_count = 0;
        return 0;
    }
    if (child_count < (int)(sizeof children / sizeof children[0])) children[child_count++] = p;
    return p;
}

static void idle_forever(void) { for (;;) pause(); }

/* Blocks until n one-byte "ready" notes arrive on a sync pipe. */
static void await_notes(int fd, int n)
{
    char c;
    for (int i = 0; i < n; i++)
        while (read(fd, &c, 1) != 1)
            if (errno != EINTR) pipes_die("read sync");
}

static void note(int fd) { if (write(fd, "x", 1) != 1) pipes_die("write sync"); }

/* Waits for n notes on the sync pipe, closes it, and announces the two children by role. */
static void await_children(int sync[2], int n, const char *role1, pid_t pid1, const char *role2, pid_t pid2)
{
    await_notes(sync[0], n);
    close(sync[0]);
    close(sync[1]);
    announce_process(role1, pid1);
    announce_process(role2, pid2);
}

/* Waits (up to 10 s) until thread pid's /proc syscall line starts with "NR 0xFD ", i.e. it is blocked in call NR on fd. */
static void await_blocked(pid_t pid, int nr, int fd)
{
    char path[64], want[32], line[256];
    snprintf(path, sizeof path, "/proc/%d/syscall", pid);
    snprintf(want, sizeof want, "%d 0x%x ", nr, fd);
    for (int i = 0; i < 10000; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            int ok = fgets(line, sizeof line, f) && !strncmp(line, want, strlen(want));
            fclose(f);
            if (ok) return;
        }
        usleep(1000);
    }
    fprintf(stderr, "process %d never blocked in syscall %d on fd %d\n", pid, nr, fd);
    exit(2);
}

static void write_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) pipes_die("write");
        data += w;
        n -= (size_t)w;
    }
}

static void write_bytes(int fd, long n)
{
    char block[256];
    memset(block, 'x', sizeof block);
    for (; n > 0; n -= (long)sizeof block) write_all(fd, block, n < (long)sizeof block ? (size_t)n : sizeof block);
}

/* The command loop: "status" calls status() (or prints the child count), "exit" or EOF ends the mode and its children. */
static int serve_pipes(void (*status)(void))
{
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "status", 6)) {
            if (status) status();
            else printf("STATUS children=%d\n", child_count);
            fflush(stdout);
        } else if (!strncmp(line, "exit", 4)) break;
    }
    for (int i = 0; i < child_count; i++) kill(children[i], SIGKILL);
    for (int i = 0; i < child_count; i++) waitpid(children[i], NULL, 0);
    return 0;
}

static void raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

/* ---- pipe-selfloop [FD]: the supervisord leak ---- */

static void *exit_at_stdin_eof(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "stdin-watch");
    char buf[256];
    while (read(0, buf, sizeof buf) > 0) { }
    _exit(0);
}

static int mode_pipe_selfloop(int fd)
{
    raise_fd_limit(); /* supervisord's RLIMIT_NOFILE was 10240, above its minfds of 1024 */
    int p[2];
    if (pipe(p) < 0) pipes_die("pipe");
    /* supervisord's pipe fds were 1066 and 1067: past the 1024 its children close. */
    int rd = fcntl(p[0], F_DUPFD, fd), wr = fcntl(p[1], F_DUPFD, fd + 1);
    if (rd != fd || wr != fd + 1) pipes_die("F_DUPFD");
    close(p[0]);
    close(p[1]);
    fflush(stdout);
    pid_t worker = fork();
    if (worker < 0) pipes_die("fork");
    if (worker == 0) {
        /* What supervisord does for its child: stdout and stderr to the pipe, close 3..minfds-1. */
        dup2(wr, 1);
        dup2(wr, 2);
        for (int i = 3; i < 1024; i++) close(i);
        pthread_t t;
        if (pthread_create(&t, NULL, exit_at_stdin_eof, NULL)) _exit(2);
        /* The worker logs to stdout until the pipe is full, then blocks in write(1, ...) for good. */
        char line[1024];
        memset(line, '*', sizeof line);
        memcpy(line, "[2015-05-22 18:48:19] ", 22);
        line[sizeof line - 1] = '\n';
        for (;;)
            if (write(1, line, sizeof line) < 0 && errno != EINTR) _exit(3);
    }
    await_blocked(worker, 1, 1);
    announce_process("worker", worker);
    printf("READY %d\n", worker);
    fflush(stdout);
    _exit(0); /* supervisord dies: the worker's own fd 1066 is the pipe's only reader now */
}

/* ---- pipeline BYTES: writer | reader ---- */

static pid_t pipeline_reader;

static void pipeline_status(void) { kill(pipeline_reader, SIGUSR1); /* the reader prints STATUS itself */ }

static int mode_pipeline(long bytes)
{
    int p[2], sync[2];
    if (pipe(p) < 0 || pipe(sync) < 0) pipes_die("pipe");
    pid_t writer = fork_child();
    if (writer == 0) {
        put_fd(p[1], 1);
        close(p[0]);
        write_bytes(1, bytes);
        note(sync[1]);
        close(sync[0]);
        close(sync[1]);
        idle_forever();
    }
    pipeline_reader = fork_child();
    if (pipeline_reader == 0) {
        put_fd(p[0], 0);
        close(p[1]);
        /* Reads nothing until asked: "status" makes it drain the pipe and print how much it read. */
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, NULL);
        note(sync[1]);
        close(sync[0]);
        close(sync[1]);
        fcntl(0, F_SETFL, O_NONBLOCK);
        for (;;) {
            int sig;
            sigwait(&usr1, &sig);
            long total = 0;
            char buf[4096];
            ssize_t n;
            while ((n = read(0, buf, sizeof buf)) > 0) total += n;
            printf("STATUS read=%ld\n", total);
            fflush(stdout);
        }
    }
    close(p[0]);
    close(p[1]);
    await_children(sync, 2, "writer", writer, "reader", pipeline_reader);
    return serve_pipes(pipeline_status);
}

/* ---- pipe-orphans: fd 20 writes to a pipe whose reader exited, fd 21 reads one whose writer exited ---- */

static void orphans_status(void)
{
    int unread = -1;
    ioctl(21, FIONREAD, &unread); /* this process's own read end: counting does not consume */
    int write_errno = write(20, "x", 1) < 0 ? errno : 0;
    printf("STATUS write_errno=%d unread=%d\n", write_errno, unread);
}

static int mode_pipe_orphans(void)
{
    signal(SIGPIPE, SIG_IGN);
    int a[2], b[2];
    if (pipe(a) < 0 || pipe(b) < 0) pipes_die("pipe");
    put_fd(a[1], 20);
    put_fd(b[0], 21);
    pid_t child = fork();
    if (child < 0) pipes_die("fork");
    if (child == 0) {
        write_all(b[1], "hello", 5);
        _exit(0); /* closes the only reader of a and the only writer of b */
    }
    close(a[0]);
    close(b[1]);
    waitpid(child, NULL, 0);
    return serve_pipes(orphans_status);
}

/* ---- fifo PATH: a writer (this process, fd 21) and a reader blocked in read (fd 20) ---- */

static const char *fifo_path;

static int mode_fifo(const char *path)
{
    fifo_path = path;
    unlink(path);
    if (mkfifo(path, 0600) < 0) pipes_die("mkfifo");
    pid_t reader = fork_child();
    if (reader == 0) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) pipes_die("open fifo");
        put_fd(fd, 20);
        char buf[4096];
        for (;;) {
            ssize_t n = read(20, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EINTR)) _exit(0);
        }
    }
    int fd = open(path, O_WRONLY); /* returns once the reader has opened its end */
    if (fd < 0) pipes_die("open fifo");
    put_fd(fd, 21);
    await_blocked(reader, 0, 20);
    announce_process("reader", reader);
    int rc = serve_pipes(NULL);
    unlink(fifo_path);
    return rc;
}

/* ---- unix-pair [stream|dgram|seqpacket]: this process holds fd 20, a child fd 21, blocked reading it ---- */

static int socket_type(const char *name)
{
    if (!name || !strcmp(name, "stream")) return SOCK_STREAM;
    if (!strcmp(name, "dgram")) return SOCK_DGRAM;
    if (!strcmp(name, "seqpacket")) return SOCK_SEQPACKET;
    fprintf(stderr, "unknown socket type %s\n", name);
    exit(2);
}

static int mode_unix_pair(const char *type)
{
    int sv[2];
    if (socketpair(AF_UNIX, socket_type(type), 0, sv) < 0) pipes_die("socketpair");
    put_fd(sv[0], 20);
    put_fd(sv[1], 21);
    pid_t child = fork_child();
    if (child == 0) {
        close(20);
        char buf[4096];
        for (;;) {
            ssize_t n = read(21, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EINTR)) _exit(0);
        }
    }
    close(21);
    await_blocked(child, 0, 21);
    announce_process("peer", child);
    return serve_pipes(NULL);
}

/* ---- unix-server PATH: a listener (fd 20) with one accepted connection (fd 21) from "client" (fd 20,
   100 bytes sent and unread) and one connection from "pending" that is never accepted. PATH "@name" is abstract. ---- */

static const char *server_path;

static socklen_t unix_address(const char *path, struct sockaddr_un *a)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n >= sizeof a->sun_path) { fprintf(stderr, "path too long\n"); exit(2); }
    memcpy(a->sun_path, path, n);
    if (path[0] == '@') a->sun_path[0] = 0; /* abstract: no file, no trailing NUL in the length */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
}

static void connect_client(int sync_fd, long bytes)
{
    struct sockaddr_un a;
    socklen_t len = unix_address(server_path, &a);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, len) < 0) pipes_die("connect");
    put_fd(c, 20);
    write_bytes(20, bytes);
    note(sync_fd);
    close(sync_fd);
    idle_forever();
}

static int mode_unix_server(const char *path_format)
{
    /* "%d" in PATH becomes this process's ID: a name no other run uses. */
    static char path[108];
    const char *at = strstr(path_format, "%d");
    if (at) snprintf(path, sizeof path, "%.*s%d%s", (int)(at - path_format), path_format, getpid(), at + 2);
    else snprintf(path, sizeof path, "%s", path_format);
    server_path = path;
    struct sockaddr_un a;
    socklen_t len = unix_address(path, &a);
    if (path[0] != '@') unlink(path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, len) < 0 || listen(l, 8) < 0) pipes_die("listen");
    put_fd(l, 20);
    int sync[2];
    if (pipe(sync) < 0) pipes_die("pipe");
    pid_t client = fork_child();
    if (client == 0) { close(sync[0]); connect_client(sync[1], 100); }
    int accepted = accept(20, NULL, NULL);
    if (accepted < 0) pipes_die("accept");
    put_fd(accepted, 21);
    await_notes(sync[0], 1);
    pid_t pending = fork_child();
    if (pending == 0) { close(sync[0]); close(21); connect_client(sync[1], 0); }
    await_children(sync, 1, "client", client, "pending", pending);
    int rc = serve_pipes(NULL);
    if (path[0] != '@') unlink(path);
    return rc;
}

/* ---- pipe-shared: one pipe held by three processes: this one and "writer" (fd 20, write end), "reader" (fd 21) ---- */

static int mode_pipe_shared(void)
{
    int p[2], sync[2];
    if (pipe(p) < 0 || pipe(sync) < 0) pipes_die("pipe");
    put_fd(p[1], 20);
    put_fd(p[0], 21);
    pid_t writer = fork_child();
    if (writer == 0) { close(21); note(sync[1]); close(sync[0]); close(sync[1]); idle_forever(); }
    pid_t reader = fork_child();
    if (reader == 0) { close(20); note(sync[1]); close(sync[0]); close(sync[1]); idle_forever(); }
    close(21);
    await_children(sync, 2, "writer", writer, "reader", reader);
    return serve_pipes(NULL);
}

/* ---- pipe-churn: a thread forks short-lived children that each open a pipe and a socketpair ---- */

static volatile long churned;

static void *churn_processes(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "churner");
    for (;;) {
        pid_t p = fork();
        if (p == 0) {
            int fds[2], sv[2];
            if (pipe(fds) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) _exit(1);
            struct timespec ts = { 0, 2000000 };
            nanosleep(&ts, NULL);
            _exit(0);
        }
        if (p > 0) waitpid(p, NULL, 0);
        churned++;
    }
    return NULL;
}

static void churn_status(void) { printf("STATUS churned=%ld\n", churned); }

static int mode_pipe_churn(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, churn_processes, NULL)) pipes_die("pthread_create");
    return serve_pipes(churn_status);
}

/* ---- pipe-farm P F: P processes of F fds each, chained like a shell pipeline (child i's fd 1 feeds
   child i+1's fd 0), the rest pipes, socketpairs and /dev/null, alternately ---- */

static void open_extra_fds(int total)
{
    int open_count = 3, kind = 0;
    while (open_count < total) {
        int two[2];
        if (kind == 0 && open_count + 2 <= total && pipe(two) == 0) open_count += 2;
        else if (kind == 1 && open_count + 2 <= total && socketpair(AF_UNIX, SOCK_STREAM, 0, two) == 0) open_count += 2;
        else if (open("/dev/null", O_RDONLY) >= 0) open_count++;
        else pipes_die("open");
        kind = (kind + 1) % 3;
    }
}

static int mode_pipe_farm(int processes, int fds)
{
    if (processes < 2) processes = 2;
    int previous = -1; /* read end for the next child's fd 0 */
    pid_t first = 0, second = 0;
    for (int i = 0; i < processes; i++) {
        int p[2] = { -1, -1 };
        if (i < processes - 1 && pipe(p) < 0) pipes_die("pipe");
        pid_t child = fork_child();
        if (child == 0) {
            int null = open("/dev/null", O_RDWR);
            put_fd(previous >= 0 ? previous : null, 0);
            put_fd(p[1] >= 0 ? p[1] : null, 1);
            if (p[0] >= 0) close(p[0]);
            for (int fd = 3; fd < 1024; fd++) close(fd);
            open_extra_fds(fds);
            idle_forever();
        }
        if (i == 0) first = child;
        if (i == 1) second = child;
        if (previous >= 0) close(previous);
        if (p[1] >= 0) close(p[1]);
        previous = p[0];
    }
    announce_process("first", first);
    announce_process("second", second);
    return serve_pipes(NULL);
}

/* ---- as-user UID MODE ARGS: runs MODE as user and group UID (e.g. 65534, nobody) ---- */

static int mode_as_user(int argc, char **argv)
{
    uid_t uid = (uid_t)atol(argv[2]);
    if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0) pipes_die("setuid");
    /* Changing user made the process non-dumpable, which hides its /proc files even from that user. */
    prctl(PR_SET_DUMPABLE, 1);
    return main(argc - 2, argv + 2);
}

/* ---- netns MODE ARGS: runs MODE ARGS in a new network namespace (as a container's processes are) ---- */

static int mode_netns(int argc, char **argv)
{
    if (unshare(CLONE_NEWNET) < 0) pipes_die("unshare(CLONE_NEWNET)");
    return main(argc - 1, argv + 1);
}

/* Runs a pipe or socket mode; -1 when argv[1] names none of them. */
int pipes_mode(int argc, char **argv)
{
    const char *mode = argv[1], *arg = argc > 2 ? argv[2] : NULL;
    if (!strcmp(mode, "pipe-selfloop")) return mode_pipe_selfloop(arg ? atoi(arg) : 1066);
    if (!strcmp(mode, "pipeline")) return mode_pipeline(arg ? atol(arg) : 100);
    if (!strcmp(mode, "pipe-orphans")) return mode_pipe_orphans();
    if (!strcmp(mode, "fifo") && arg) return mode_fifo(arg);
    if (!strcmp(mode, "unix-pair")) return mode_unix_pair(arg);
    if (!strcmp(mode, "unix-server") && arg) return mode_unix_server(arg);
    if (!strcmp(mode, "pipe-shared")) return mode_pipe_shared();
    if (!strcmp(mode, "pipe-churn")) return mode_pipe_churn();
    if (!strcmp(mode, "pipe-farm") && arg && argc > 3) return mode_pipe_farm(atoi(arg), atoi(argv[3]));
    if (!strcmp(mode, "as-user") && arg && argc > 3) return mode_as_user(argc, argv);
    if (!strcmp(mode, "netns") && arg) return mode_netns(argc, argv);
    return -1;
}
