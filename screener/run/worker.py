"""Set-up of a batch worker process: it dies with its parent, and it runs under operating-system limits.

- Parent death: on Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (prctl(2)) asks the kernel to kill the worker
  when the process that forked it dies, even by SIGKILL; a daemon thread also watches the parent's pid each
  second (other systems, and a parent that died before the ``prctl`` call) and ends the worker when the
  parent is gone. A killed ``screener batch`` thus leaves no worker behind, and a resumed run never depends
  on one.
- Memory: ``RLIMIT_AS`` caps the worker's address space at its size when started plus ``memory_mb``, so an
  allocation past the ceiling raises ``MemoryError`` (the submission's "memory budget exceeded") rather than
  driving the machine into swap.
- CPU: ``limit_cpu`` sets ``RLIMIT_CPU`` before each part to the CPU time used so far plus the part's
  budget; a part stuck where no cooperative check runs is stopped by the kernel (SIGXCPU ends the worker,
  and the batch screens that part again one submission at a time, fail closed).
- Threads: one BLAS/OpenMP thread per worker (environment variables for libraries loaded later,
  threadpoolctl for those already loaded). N workers on N cores each running a BLAS pool of N spinning
  threads ran two workers slower than one (bench/throughput.py --workers 2: 0.58x; with one thread 1.42x).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0
_STATE = {"worker": False}


def _pdeathsig() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _parent_gone(parent_pid: int, first_ppid: int) -> bool:
    if os.getppid() != first_ppid:
        return True
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _watch(parent_pid: int, first_ppid: int) -> None:
    while True:
        if _parent_gone(parent_pid, first_ppid):
            os._exit(70)
        time.sleep(WATCH_SECONDS)


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(memory_mb: int) -> None:
    if not memory_mb:
        return
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        # The model, BLAS buffers and thread stacks are mapped after this point: leave them room besides the budget.
        limit = _vm_bytes() + (memory_mb + 1024) * 2**20
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def one_thread() -> None:
    """One BLAS/OpenMP thread in this process (a setting the user made in the environment is kept)."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_limits

        setting = os.environ["OPENBLAS_NUM_THREADS"]
        threadpool_limits(limits=int(setting) if setting.isdigit() and int(setting) > 0 else 1)


def init_worker(parent_pid: int, memory_mb: int = 0) -> None:
    """``ProcessPoolExecutor`` initializer: die with ``parent_pid``, cap memory at ``memory_mb`` MiB (0: none),
    one BLAS thread."""
    _pdeathsig()
    first_ppid = os.getppid()
    if _parent_gone(parent_pid, first_ppid):
        os._exit(70)
    threading.Thread(target=_watch, args=(parent_pid, first_ppid), name="parent-watch", daemon=True).start()
    one_thread()
    _limit_memory(memory_mb)
    _STATE["worker"] = True


def in_worker() -> bool:
    """Whether this process was set up by ``init_worker``."""
    return _STATE["worker"]


def limit_cpu(seconds: float) -> None:
    """In a worker process: let this process use at most ``seconds`` more CPU seconds (RLIMIT_CPU)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(usage.ru_utime + usage.ru_stime + seconds) + 1
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
