# Signals as a service meets them: a handler for SIGUSR1 sent by kill, SIGALRM from alarm and from
# an interval timer interrupting a sleep, a blocked signal taken with sigtimedwait, SIGCHLD from a
# child that exits and from one killed with SIGTERM, and SIGPIPE ignored.
import os, signal, time

received = []
signal.signal(signal.SIGUSR1, lambda s, f: received.append(s))
signal.signal(signal.SIGALRM, lambda s, f: received.append(s))
signal.signal(signal.SIGCHLD, lambda s, f: received.append(s))
signal.signal(signal.SIGPIPE, signal.SIG_IGN)

os.kill(os.getpid(), signal.SIGUSR1)
signal.alarm(1)
signal.alarm(0)
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.5)
signal.setitimer(signal.ITIMER_REAL, 0)

signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
os.kill(os.getpid(), signal.SIGUSR2)
signal.sigtimedwait([signal.SIGUSR2], 1.0)
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR2])

child = os.fork()
if child == 0:
    os._exit(3)
os.waitpid(child, 0)

child = os.fork()
if child == 0:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pause()
    os._exit(0)
time.sleep(0.05)
os.kill(child, signal.SIGTERM)
os.waitpid(child, 0)
