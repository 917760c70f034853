# Threads and event loops: threads that start, wait on a condition and join (clone3, futex),
# an epoll loop over pipes and an eventfd, and timed waits that expire.
import os, select, threading, time

ready = threading.Event()
results = []

def worker(n):
    ready.wait()
    results.append(n * n)
    time.sleep(0.01)

threads = [threading.Thread(target=worker, args=(i,), name=f"worker-{i}") for i in range(3)]
for t in threads:
    t.start()
ready.set()
for t in threads:
    t.join()

ep = select.epoll()
r, w = os.pipe()
efd = os.eventfd(0, os.EFD_CLOEXEC | os.EFD_NONBLOCK)
ep.register(r, select.EPOLLIN)
ep.register(efd, select.EPOLLIN | select.EPOLLET)
os.write(w, b"x")
os.eventfd_write(efd, 3)
ep.poll(1.0)
os.read(r, 1)
os.eventfd_read(efd)
ep.modify(r, select.EPOLLIN | select.EPOLLOUT)
ep.unregister(efd)
ep.poll(0.01)
ep.close()
os.close(r)
os.close(w)
os.close(efd)
time.sleep(0.02)
