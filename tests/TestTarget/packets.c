/*
 * The packet modes of diag-test-target: packets the kernel drops on purpose, for Get-PacketDrop's tests and benchmark.
 * Run inside a test's network namespace (ip netns exec NS diag-test-target MODE ...). Each prints one line when its
 * packets are out ("SENT n", "READY pid", "CONNECTED n") and exits, except listen, which holds its socket until its
 * standard input ends (a test that dies never leaves it behind: it also dies with its parent).
 *
 *   udp-send ADDR PORT N          N one-byte UDP datagrams, one sendto each (to a closed port: N NO_SOCKET drops).
 *   udp-flood ADDR PORT N         N datagrams in sendmmsg batches of 512, as fast as the machine goes; prints
 *                                 "SENT n us" with the microseconds it took, and "CPU user_us system_us" (getrusage).
 *   udp-drop ADDR PORT N          N sendto calls whose datagram an output rule drops (errors are expected and counted):
 *                                 prints "SENT n errors CPU user_us system_us".
 *   tcp-syn ADDR PORT N [MS]      N non-blocking connects (N SYNs), holds the sockets MS milliseconds (default 0), exits.
 *   tcp-data ADDR PORT N [MS]     N connects, waits until each is established on this side ("CONNECTED n"), sends one
 *                                 byte on each ("SENT n"), holds the connections MS milliseconds. With MS -1 it sends
 *                                 when a line "send" comes on stdin, then holds them until stdin ends.
 *   listen ADDR PORT BACKLOG      a listener that never accepts; "READY pid"; until stdin ends. A line "backlog N" on
 *                                 stdin calls listen() again with backlog N (the accept queue's limit changes at once;
 *                                 handshakes already begun keep going) and answers "BACKLOG N".
 *   tcp-syn-loop ADDR PORT MS     "READY pid", then one connect (one SYN, its socket closed before the next) every MS
 *                                 milliseconds until stdin ends: a stream of drops for a watch to catch whenever it attaches.
 *   udp-send-loop ADDR PORT MS    the same with one datagram every MS milliseconds.
 * ADDR is IPv4 or IPv6.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void packets_die(const char *what)
{
    perror(what);
    exit(1);
}

/* An IPv4 or IPv6 address and port. */
struct endpoint {
    struct sockaddr_storage address;
    socklen_t length;
    int family;
};

static struct endpoint address_of(const char *ip, const char *port)
{
    struct endpoint e = { 0 };
    unsigned short p = htons((unsigned short)atoi(port));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&e.address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&e.address;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = e.family = AF_INET;
        v4->sin_port = p;
        e.length = sizeof *v4;
    } else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = e.family = AF_INET6;
        v6->sin6_port = p;
        e.length = sizeof *v6;
    } else {
        fprintf(stderr, "not an IP address: %s\n", ip);
        exit(2);
    }
    return e;
}

static void print_cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    printf("CPU %ld %ld\n", u.ru_utime.tv_sec * 1000000L + u.ru_utime.tv_usec, u.ru_stime.tv_sec * 1000000L + u.ru_stime.tv_usec);
}

static int mode_udp_send(struct endpoint to, long n, int report_errors)
{
    int s = socket(to.family, SOCK_DGRAM, 0);
    if (s < 0) packets_die("socket");
    long errors = 0;
    char byte = 'x';
    for (long i = 0; i < n; i++)
        if (sendto(s, &byte, 1, 0, (struct sockaddr *)&to.address, to.length) < 0) {
            if (!report_errors) packets_die("sendto");
            errors++;
        }
    if (report_errors) {
        printf("SENT %ld %ld ", n, errors);
        print_cpu();
    } else {
        printf("SENT %ld\n", n);
    }
    fflush(stdout);
    close(s);
    return 0;
}

static int mode_udp_flood(struct endpoint to, long n)
{
    enum { Batch = 512 };
    int s = socket(to.family, SOCK_DGRAM, 0);
    if (s < 0) packets_die("socket");
    if (connect(s, (struct sockaddr *)&to.address, to.length) < 0) packets_die("connect");
    static struct mmsghdr messages[Batch];
    static struct iovec vectors[Batch];
    static char byte = 'x';
    for (int i = 0; i < Batch; i++) {
        vectors[i] = (struct iovec){ .iov_base = &byte, .iov_len = 1 };
        messages[i].msg_hdr = (struct msghdr){ .msg_iov = &vectors[i], .msg_iovlen = 1 };
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long sent = 0;
    while (sent < n) {
        int want = n - sent < Batch ? (int)(n - sent) : Batch;
        int done = sendmmsg(s, messages, want, 0);
        if (done < 0) {
            if (errno == ECONNREFUSED || errno == EINTR) continue; /* an ICMP unreachable reported back: not a send failure */
            packets_die("sendmmsg");
        }
        sent += done;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("SENT %ld %ld\n", sent, (end.tv_sec - start.tv_sec) * 1000000L + (end.tv_nsec - start.tv_nsec) / 1000);
    print_cpu();
    fflush(stdout);
    close(s);
    return 0;
}

/* Waits MS milliseconds, or with -1 until standard input ends. */
static void hold(long ms)
{
    char buffer[64];
    if (ms < 0)
        while (read(0, buffer, sizeof buffer) > 0) {
        }
    else if (ms > 0)
        usleep(ms * 1000);
}

static int connect_nonblocking(struct endpoint to)
{
    int s = socket(to.family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (s < 0) packets_die("socket");
    if (connect(s, (struct sockaddr *)&to.address, to.length) < 0 && errno != EINPROGRESS) packets_die("connect");
    return s;
}

static int mode_tcp_syn(struct endpoint to, long n, long hold_ms)
{
    for (long i = 0; i < n; i++)
        connect_nonblocking(to); /* kept open until exit: a close before the SYN leaves would be another test */
    printf("SENT %ld\n", n);
    fflush(stdout);
    hold(hold_ms);
    return 0;
}

static int mode_tcp_data(struct endpoint to, long n, long hold_ms)
{
    int *sockets = calloc((size_t)n, sizeof *sockets);
    long connected = 0;
    for (long i = 0; i < n; i++)
        sockets[i] = connect_nonblocking(to);
    for (long i = 0; i < n; i++) {
        struct pollfd p = { .fd = sockets[i], .events = POLLOUT };
        int error = 0;
        socklen_t length = sizeof error;
        if (poll(&p, 1, 3000) == 1 && getsockopt(sockets[i], SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0)
            connected++;
        else
            sockets[i] = -1;
    }
    printf("CONNECTED %ld\n", connected);
    fflush(stdout);
    char line[64];
    if (hold_ms < 0 && (!fgets(line, sizeof line, stdin) || strncmp(line, "send", 4) != 0))
        return 0; /* held until told to send, or until the end of input */
    long sent = 0;
    for (long i = 0; i < n; i++)
        if (sockets[i] >= 0 && send(sockets[i], "x", 1, MSG_NOSIGNAL) == 1)
            sent++;
    printf("SENT %ld\n", sent);
    fflush(stdout);
    hold(hold_ms);
    return 0;
}

static int mode_listen(struct endpoint at, int backlog)
{
    int s = socket(at.family, SOCK_STREAM, 0);
    if (s < 0) packets_die("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&at.address, at.length) < 0) packets_die("bind");
    if (listen(s, backlog) < 0) packets_die("listen");
    printf("READY %d\n", getpid());
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        int next;
        if (sscanf(line, "backlog %d", &next) == 1) {
            if (listen(s, next) < 0) packets_die("listen");
            printf("BACKLOG %d\n", next);
            fflush(stdout);
        }
    }
    return 0;
}

/* One packet every MS milliseconds until standard input ends (polled, so the loop ends within MS of it). */
static int mode_loop(struct endpoint to, long ms, int tcp)
{
    printf("READY %d\n", getpid());
    fflush(stdout);
    int udp = tcp ? -1 : socket(to.family, SOCK_DGRAM, 0);
    for (;;) {
        if (tcp) {
            int s = connect_nonblocking(to);
            usleep(1000); /* the SYN leaves before the socket closes */
            close(s);
        } else if (sendto(udp, "x", 1, 0, (struct sockaddr *)&to.address, to.length) < 0 && errno != ECONNREFUSED) {
            packets_die("sendto");
        }
        struct pollfd in = { .fd = 0, .events = POLLIN };
        if (poll(&in, 1, (int)ms) > 0) {
            char buffer[64];
            if (read(0, buffer, sizeof buffer) <= 0) return 0;
        }
    }
}

/* Runs a packet mode; -1 when argv[1] names none of them. */
int packets_mode(int argc, char **argv)
{
    const char *mode = argv[1];
    if (argc < 5 || (strncmp(mode, "udp-", 4) != 0 && strncmp(mode, "tcp-", 4) != 0 && strcmp(mode, "listen") != 0))
        return -1;
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the test that started it */
    struct endpoint to = address_of(argv[2], argv[3]);
    long n = atol(argv[4]);
    long hold = argc > 5 ? atol(argv[5]) : 0;
    if (!strcmp(mode, "udp-send")) return mode_udp_send(to, n, 0);
    if (!strcmp(mode, "udp-drop")) return mode_udp_send(to, n, 1);
    if (!strcmp(mode, "udp-flood")) return mode_udp_flood(to, n);
    if (!strcmp(mode, "tcp-syn")) return mode_tcp_syn(to, n, hold);
    if (!strcmp(mode, "tcp-data")) return mode_tcp_data(to, n, hold);
    if (!strcmp(mode, "listen")) return mode_listen(to, (int)n);
    if (!strcmp(mode, "tcp-syn-loop")) return mode_loop(to, n, 1);
    if (!strcmp(mode, "udp-send-loop")) return mode_loop(to, n, 0);
    return -1;
}
