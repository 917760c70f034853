# Diag core probe for x86_64: a complete static ELF executable (headers included), run from a memfd by
# Test-CoreDumpConfig -Verify. Its bytes live in CoreProbeProgram.X86_64.cs; a test re-assembles this file
# and compares. Only raw system calls, no libc: a few hundred bytes whose core dump is a few kilobytes.
#
#   probe FLAGS UID GID ROOT [GROUP...]        (decimal numbers)
#     FLAGS bit 0  take the credentials UID, GID and the supplementary GROUPs (setgroups, setresgid, setresuid)
#           bit 1  then mark itself dumpable again (prctl PR_SET_DUMPABLE 1): the target never lost its
#                  dumpability, only its credentials differ from the parent's
#           bit 2  chroot(ROOT) first: the target lives in another root (a container)
#
# Steps: name itself "diag-coreprobe" (so that %e in core_pattern names the probe, never the target, and a
# probe core cannot replace the target's), chroot, credentials, dumpability, then a NULL write: a real
# SIGSEGV fault, which the kernel delivers with the default action even if the signal were blocked.
# A failed step ends the probe with exit status 100 + step (100 arguments, 101 chroot, 102 setgroups,
# 103 setresgid, 104 setresuid, 105 prctl); 99 means it survived its own fault.
        .intel_syntax noprefix
        .text
        .set    BASE, 0x400000
ehdr:
        .byte   0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0      # ELF, 64-bit, little endian, version 1, System V
        .quad   0
        .short  2                                       # e_type: ET_EXEC
        .short  62                                      # e_machine: EM_X86_64
        .int    1                                       # e_version
        .quad   BASE + _start - ehdr                    # e_entry
        .quad   phdr - ehdr                             # e_phoff
        .quad   0                                       # e_shoff: no sections
        .int    0                                       # e_flags
        .short  64, 56, 2                               # e_ehsize, e_phentsize, e_phnum
        .short  64, 0, 0                                # e_shentsize, e_shnum, e_shstrndx
phdr:
        .int    1, 5                                    # PT_LOAD, PF_R | PF_X
        .quad   0, BASE, BASE                           # p_offset, p_vaddr, p_paddr
        .quad   end - ehdr, end - ehdr                  # p_filesz, p_memsz
        .quad   0x1000                                  # p_align
        .int    0x6474e551, 6                           # PT_GNU_STACK, PF_R | PF_W: no executable stack
        .quad   0, 0, 0, 0, 0, 16
_start:
        mov     r12, [rsp]                              # argc
        lea     r13, [rsp+8]                            # argv
        mov     eax, 157                                # prctl(PR_SET_NAME, "diag-coreprobe")
        mov     edi, 15
        lea     rsi, [rip+name]
        syscall
        cmp     r12, 5
        jb      bad_arguments
        mov     rdi, [r13+8]
        call    parse
        mov     r14, rax                                # FLAGS
        mov     rdi, [r13+16]
        call    parse
        mov     r15, rax                                # UID
        mov     rdi, [r13+24]
        call    parse
        mov     rbx, rax                                # GID
        test    r14, 4
        jz      credentials
        mov     eax, 161                                # chroot(ROOT)
        mov     rdi, [r13+32]
        syscall
        mov     edi, 101
        test    rax, rax
        jnz     fail
credentials:
        test    r14, 1
        jz      crash
        lea     rbp, [r12-5]                            # number of GROUPs
        cmp     rbp, 64
        ja      bad_arguments
        sub     rsp, 256                                # gid_t groups[64]
        xor     ecx, ecx
next_group:
        cmp     rcx, rbp
        jae     set_groups
        mov     rdi, [r13+40+rcx*8]
        push    rcx
        call    parse
        pop     rcx
        mov     [rsp+rcx*4], eax
        inc     rcx
        jmp     next_group
set_groups:
        mov     eax, 116                                # setgroups(n, groups)
        mov     rdi, rbp
        mov     rsi, rsp
        syscall
        mov     edi, 102
        test    rax, rax
        jnz     fail
        mov     eax, 119                                # setresgid(GID, GID, GID)
        mov     rdi, rbx
        mov     rsi, rbx
        mov     rdx, rbx
        syscall
        mov     edi, 103
        test    rax, rax
        jnz     fail
        mov     eax, 117                                # setresuid(UID, UID, UID): the kernel now applies
        mov     rdi, r15                                # fs.suid_dumpable, as for the target
        mov     rsi, r15
        mov     rdx, r15
        syscall
        mov     edi, 104
        test    rax, rax
        jnz     fail
        test    r14, 2
        jz      crash
        mov     eax, 157                                # prctl(PR_SET_DUMPABLE, 1)
        mov     edi, 4
        mov     esi, 1
        syscall
        mov     edi, 105
        test    rax, rax
        jnz     fail
crash:
        xor     eax, eax
        mov     byte ptr [rax], 0                       # SIGSEGV
        mov     edi, 99
fail:
        mov     eax, 231                                # exit_group(code)
        syscall
        ud2
bad_arguments:
        mov     edi, 100
        jmp     fail
# parse: rdi -> NUL-terminated decimal; returns its value in rax, or ends the probe with 100.
parse:
        xor     eax, eax
        movzx   ecx, byte ptr [rdi]
        test    ecx, ecx
        jz      bad_arguments
digit:
        sub     ecx, 0x30
        cmp     ecx, 9
        ja      bad_arguments
        imul    rax, rax, 10
        add     rax, rcx
        inc     rdi
        movzx   ecx, byte ptr [rdi]
        test    ecx, ecx
        jnz     digit
        ret
name:
        .asciz  "diag-coreprobe"
end:
