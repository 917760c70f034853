# Diag clone trampoline for x86_64 (System V ABI). Assembled bytes live in CloneTrampoline.X86_64.cs;
# a test re-assembles this file with binutils and compares. Only raw syscalls: the child never runs libc,
# the .NET runtime or managed code, so nothing can deadlock on a lock or a GC suspension copied from the parent.
#
#   long diag_clone(struct clone_request *r);   returns the child pid, or -errno
#
# struct clone_request (all 8-byte fields):
#     0 flags        clone flags (CLONE_VM|SIGCHLD for a command, CLONE_VM|CLONE_FILES|SIGCHLD for the waker)
#     8 stack_top    top of the child's stack (16-byte aligned); the child never returns
#    16 mode         0 = launch a traced command, 1 = waker
#    24 path         launch: const char *path
#    32 argv         launch: char *const argv[]
#    40 envp         launch: char *const envp[]
#    48 cwd          launch: const char *dir, or 0
#    56 wake_fd      waker: the eventfd to block on
#    64 parent_pid   the starter's process id (to notice a starter that died before PDEATHSIG was set)
#    72 child_errno  launch: set by the child when a step fails
#    80 failed_step  launch: 1 chdir, 2 dup2 of a standard stream, 3 execve
#    88 all_ones     0xffffffffffffffff (signal set: everything)
#    96 saved_mask   the caller's signal mask while the clone happens
#   104 empty_mask   0
#   112 sig_dfl      32 zero bytes: a kernel struct sigaction meaning SIG_DFL
#   144 scratch      32 bytes for the child
#   176 stdio        launch: 3 fds to make the child's stdin, stdout and stderr (dup2), -1 to keep its own
        .intel_syntax noprefix
        .text
        .globl diag_clone
diag_clone:
        push    rbx
        mov     rbx, rdi
        # Block every signal so that no handler of the parent can run in the child before it resets them.
        mov     eax, 14                 # rt_sigprocmask(SIG_SETMASK, &all_ones, &saved_mask, 8)
        mov     edi, 2
        lea     rsi, [rbx+88]
        lea     rdx, [rbx+96]
        mov     r10d, 8
        syscall
        mov     eax, 56                 # clone(flags, stack_top, 0, 0, 0)
        mov     rdi, [rbx]
        mov     rsi, [rbx+8]
        xor     edx, edx
        xor     r10d, r10d
        xor     r8d, r8d
        syscall
        test    rax, rax
        jz      child
        mov     r8, rax                 # parent: restore the mask, return the pid (or -errno)
        mov     eax, 14
        mov     edi, 2
        lea     rsi, [rbx+96]
        xor     edx, edx
        mov     r10d, 8
        syscall
        mov     rax, r8
        pop     rbx
        ret
child:
        # Die with the thread that started it (PR_SET_PDEATHSIG; SIGKILL also ends a stopped process): a command
        # stopped below for its tracer, or a waker, must not outlive a pwsh killed meanwhile, stopped and orphaned.
        mov     eax, 157                # prctl(PR_SET_PDEATHSIG, SIGKILL)
        mov     edi, 1
        mov     esi, 9
        syscall
        mov     eax, 110                # getppid() != parent_pid: the starter died before PDEATHSIG was set
        syscall
        cmp     rax, [rbx+64]
        jne     wexit
        cmp     qword ptr [rbx+16], 1
        je      waker
        # Launch: every caught signal back to SIG_DFL (ignored ones stay ignored, as exec keeps them).
        mov     r12d, 1
reset:
        mov     eax, 13                 # rt_sigaction(sig, NULL, &scratch, 8)
        mov     edi, r12d
        xor     esi, esi
        lea     rdx, [rbx+144]
        mov     r10d, 8
        syscall
        test    rax, rax
        jnz     next
        cmp     qword ptr [rbx+144], 1  # SIG_DFL (0) or SIG_IGN (1): keep
        jbe     next
        mov     eax, 13                 # rt_sigaction(sig, &sig_dfl, NULL, 8)
        mov     edi, r12d
        lea     rsi, [rbx+112]
        xor     edx, edx
        mov     r10d, 8
        syscall
next:
        inc     r12d
        cmp     r12d, 64
        jbe     reset
        mov     eax, 13                 # SIGPIPE: the runtime ignores it, the command gets the default
        mov     edi, 13
        lea     rsi, [rbx+112]
        xor     edx, edx
        mov     r10d, 8
        syscall
        mov     r13d, 2                 # standard streams: dup2(stdio[n], n) for n = 0..2
        xor     r12d, r12d
stdio:
        mov     rdi, [rbx+176+r12*8]
        test    rdi, rdi
        js      nextfd                  # -1: keep the stream the child inherited
        mov     esi, r12d
        mov     eax, 33                 # dup2 clears FD_CLOEXEC on the copy; the original closes at exec
        syscall
        test    rax, rax
        js      fail
nextfd:
        inc     r12d
        cmp     r12d, 2
        jbe     stdio
        mov     r13d, 1
        mov     rdi, [rbx+48]
        test    rdi, rdi
        jz      stop
        mov     eax, 80                 # chdir(cwd)
        syscall
        test    rax, rax
        js      fail
stop:
        mov     eax, 14                 # rt_sigprocmask(SIG_SETMASK, &empty_mask, NULL, 8): handlers are
        mov     edi, 2                  # all default now, so signals may come; before the stop, so that
        lea     rsi, [rbx+104]          # execve is the first call the tracer sees
        xor     edx, edx
        mov     r10d, 8
        syscall
        mov     eax, 39                 # kill(getpid(), SIGSTOP): the tracer seizes it here
        syscall
        mov     edi, eax
        mov     esi, 19
        mov     eax, 62
        syscall
        mov     r13d, 3
        mov     eax, 59                 # execve(path, argv, envp)
        mov     rdi, [rbx+24]
        mov     rsi, [rbx+32]
        mov     rdx, [rbx+40]
        syscall
fail:
        neg     rax
        mov     [rbx+72], rax
        mov     [rbx+80], r13
        mov     eax, 231                # exit_group(127)
        mov     edi, 127
        syscall
        ud2
waker:
        xor     eax, eax                # read(wake_fd, &scratch, 8): returns when Stop() writes
        mov     rdi, [rbx+56]
        lea     rsi, [rbx+144]
        mov     edx, 8
        syscall
wexit:
        mov     eax, 231                # exit_group(0)
        xor     edi, edi
        syscall
        ud2
