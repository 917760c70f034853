# A service starting helpers: subprocess with pipes (vfork/clone, execve, dup2, pipe2, wait4),
# a shell pipeline, a helper killed by a signal, and a plain fork.
import os, signal, subprocess

subprocess.run(["true"], check=True)
out = subprocess.run(["sh", "-c", "echo one; echo two | tr a-z A-Z"], capture_output=True, check=True)
with subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as cat:
    cat.communicate(b"through a pipe\n")
sleeper = subprocess.Popen(["sleep", "5"])
sleeper.send_signal(signal.SIGTERM)
sleeper.wait()
subprocess.run(["ls", "/nonexistent-diag-path"], stderr=subprocess.DEVNULL)
pid = os.fork()
if pid == 0:
    os._exit(7)
os.waitpid(pid, 0)
