/*
 * Stack modes of diag-test-target (Get-ThreadStack's tests): threads parked in functions with
 * stable names, so that a stack can be checked frame by frame against eu-stack and gdb.
 *
 *   stacks   five threads besides the main one (blocked reading stdin in serve):
 *              "spinner"   spins in stack_spin_loop             <- stack_spin_thread
 *              "receiver"  blocks in recvfrom                    <- stack_blocking_recvfrom <- stack_recvfrom_thread
 *              "waiter"    blocks in a futex wait (syscall)      <- stack_futex_wait <- stack_futex_thread
 *              "nested"    blocks in pause                       <- stack_nested_5 <- ... <- stack_nested_1 <- stack_nested_thread
 *              "signalled" spun in stack_signal_interrupted until SIGUSR2 came; its handler
 *                          stack_signal_handler blocks in pause  (a signal frame between them)
 *            status: threads=N (as every mode).
 *   vfork-hold MS   thread "vforker" loops: vfork, the child sleeps MS ms and exits; the thread waits for
 *            it in uninterruptible sleep (State D), where ptrace cannot stop it.
 *
 * Every function is noinline and does work after its call, so the compiler keeps each frame.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEEP __attribute__((noinline, noclone, used))

static pthread_mutex_t stacks_print_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stacks_ready;

static void stacks_announce(const char *name)
{
    pthread_setname_np(pthread_self(), name);
    pthread_mutex_lock(&stacks_print_lock);
    printf("THREAD %s %ld\n", name, (long)syscall(SYS_gettid));
    fflush(stdout);
    pthread_mutex_unlock(&stacks_print_lock);
    atomic_fetch_add(&stacks_ready, 1);
}

static volatile uint64_t stack_sink;

KEEP void stack_spin_loop(void)
{
    for (;;) stack_sink++;
}

KEEP void *stack_spin_thread(void *arg)
{
    (void)arg;
    stacks_announce("spinner");
    stack_spin_loop();
    return NULL;
}

KEEP int stack_blocking_recvfrom(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(s, (struct sockaddr *)&a, sizeof a);
    char buf[64];
    int total = 0;
    for (;;) total += (int)recvfrom(s, buf, sizeof buf, 0, NULL, NULL);
    return total;
}

KEEP void *stack_recvfrom_thread(void *arg)
{
    (void)arg;
    stacks_announce("receiver");
    stack_sink += (uint64_t)stack_blocking_recvfrom();
    return NULL;
}

static int futex_word;

KEEP long stack_futex_wait(void)
{
    long rc = 0;
    for (;;) rc += syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return rc;
}

KEEP void *stack_futex_thread(void *arg)
{
    (void)arg;
    stacks_announce("waiter");
    stack_sink += (uint64_t)stack_futex_wait();
    return NULL;
}

KEEP int stack_nested_5(int depth)
{
    for (;;) pause();
    return depth;
}

KEEP int stack_nested_4(int depth) { return stack_nested_5(depth + 1) + 1; }
KEEP int stack_nested_3(int depth) { return stack_nested_4(depth + 1) + 1; }
KEEP int stack_nested_2(int depth) { return stack_nested_3(depth + 1) + 1; }
KEEP int stack_nested_1(int depth) { return stack_nested_2(depth + 1) + 1; }

KEEP void *stack_nested_thread(void *arg)
{
    (void)arg;
    stacks_announce("nested");
    stack_sink += (uint64_t)stack_nested_1(1);
    return NULL;
}

static atomic_int signal_spinning, signal_handled;

KEEP void stack_signal_handler(int sig)
{
    (void)sig;
    atomic_store(&signal_handled, 1);
    for (;;) pause();
}

KEEP void stack_signal_interrupted(void)
{
    atomic_store(&signal_spinning, 1);
    for (;;) stack_sink++; /* interrupted here, in user code, by SIGUSR2 */
}

KEEP void *stack_signal_thread(void *arg)
{
    (void)arg;
    stacks_announce("signalled");
    stack_signal_interrupted();
    return NULL;
}

static pthread_t start(void *(*fn)(void *))
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, NULL)) { perror("pthread_create"); exit(2); }
    return t;
}

/* Starts the threads and waits until each is where its name says; returns 0 (all announced). */
int mode_stacks(void)
{
    struct sigaction sa = { .sa_handler = stack_signal_handler };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);

    start(stack_spin_thread);
    start(stack_recvfrom_thread);
    start(stack_futex_thread);
    start(stack_nested_thread);
    pthread_t signalled = start(stack_signal_thread);
    while (!atomic_load(&signal_spinning)) usleep(1000);
    pthread_kill(signalled, SIGUSR2);
    while (!atomic_load(&signal_handled) || atomic_load(&stacks_ready) < 5) usleep(1000);
    usleep(20000); /* the blocking threads reach their system calls */
    return 0;
}

static long vfork_hold_ms;

KEEP void stack_vfork_wait(void)
{
    for (;;) {
        pid_t p = vfork();
        if (p == 0) {
            usleep((useconds_t)(vfork_hold_ms * 1000));
            _exit(0);
        }
        if (p > 0) waitpid(p, NULL, 0);
    }
}

KEEP void *stack_vfork_thread(void *arg)
{
    (void)arg;
    stacks_announce("vforker");
    stack_vfork_wait();
    return NULL;
}

int mode_vfork_hold(long ms)
{
    vfork_hold_ms = ms;
    start(stack_vfork_thread);
    while (atomic_load(&stacks_ready) < 1) usleep(1000);
    return 0;
}
