"""The worker processes of `creval batch`: a pool that outlives any of its workers.

The parent never waits on one thing alone: a single poll() watches the input, every worker's
socket and the watchdog's clock, so a dead or stopped worker, a paused input and a signal are
all noticed at once. (concurrent.futures' pool, used before, is broken for good by one dead
worker, and its shutdown waits for a stopped one.)

A job is a run of consecutive input lines. A worker holds at most HELD jobs: the one it runs
and the next, so it never waits for the parent between two jobs. When a worker dies (killed,
or a crash in the C engine) or gives no answer for `stall_seconds` (stopped, hung), it is
killed and replaced, and:
- the job it was running is run again, and the one it held next is sent on as if new;
- a job that workers die on twice is split into its lines, each run again as a job;
- a single line that workers die on twice gets an error line of its own.
So a worker killed from outside costs no line, and a line that kills its worker costs only
itself. The output stays in input order, one line per input line. The run is abandoned when
workers die MAX_DEATHS_IN_A_ROW times with no job finishing in between: then they cannot work
(a worker that cannot load the rules says why, and counts as one that died).

On a worker's socket (a socketpair) the parent sends a job as an 8-byte length and the pickled
lines; the worker answers with an 8-byte length, a 4-byte count of error lines and the output.
"""

from __future__ import annotations

import heapq
import os
import pickle
import select
import signal
import struct
import time
from collections import deque
from typing import Callable, Optional

from creval.render.i18n import t
from creval.tools.batch.lines import Line, Options, Source, Stats, error_output

__all__ = [
    "BatchAborted", "HELD", "Job", "MAX_DEATHS_IN_A_ROW", "Pool", "STALL_ENV", "STALL_SECONDS", "START_SECONDS",
    "serve", "stall_seconds"
]

HELD = 2  # jobs a worker holds: the one it runs and the next
MAX_DEATHS_IN_A_ROW = 20  # worker deaths with no job finished in between before the run is abandoned
STALL_SECONDS = 60.0  # a worker that holds a job and says nothing for this long is killed (the watchdog)
STALL_ENV = "CREVAL_BATCH_STALL_SECONDS"  # overrides STALL_SECONDS (tests set it low)
START_SECONDS = 60.0  # the watchdog's limit for a worker still loading the rules, if higher than the stall limit
_READ = 1 << 20

_JOB = struct.Struct("!Q")
_ANSWER = struct.Struct("!QI")
_FAILED = 0xFFFFFFFF  # in an answer's error count: the worker could not start; the bytes say why
_READY = 0xFFFFFFFE  # in an answer's error count: the worker has loaded the rules


class BatchAborted(RuntimeError):
    """The run cannot go on (workers cannot start or keep dying); the message is translated."""


def stall_seconds() -> float:
    """The watchdog's limit: STALL_SECONDS, or the environment's CREVAL_BATCH_STALL_SECONDS."""
    try:
        value = float(os.environ.get(STALL_ENV, STALL_SECONDS))
    except ValueError:
        return STALL_SECONDS
    return value if value > 0 else STALL_SECONDS


# --- inside a worker process ---------------------------------------------------------------


def serve(conn, options: Options, task: Callable, init: Callable) -> None:
    """A worker's life: load the rules, then answer jobs until the parent closes the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    fd = conn.fileno()
    try:
        init(options)
    except Exception as exc:  # e.g. the rules cannot be read here: say why once, instead of dying again and again
        reason = f"{type(exc).__name__}: {exc}".encode("utf-8", "backslashreplace")
        _send(fd, _ANSWER.pack(len(reason), _FAILED), reason)
        return
    _send(fd, _ANSWER.pack(0, _READY), b"")
    while True:
        head = _receive(fd, _JOB.size)
        if head is None:
            return  # the parent is done, or gone
        (size,) = _JOB.unpack(head)
        body = _receive(fd, size)
        if body is None:
            return
        data, errors = task(pickle.loads(body))
        _send(fd, _ANSWER.pack(len(data), errors), data)


def _receive(fd: int, size: int) -> Optional[bytes]:
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, _READ))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _send(fd: int, *parts: bytes) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


# --- in the parent ---------------------------------------------------------------------------


class Job:
    """Consecutive input lines, run together; ordered by their first line."""

    __slots__ = ("lines", "deaths", "output", "errors")

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.deaths = 0  # workers that died while running it
        self.output: Optional[bytes] = None  # its output lines, once known
        self.errors = 0

    def __lt__(self, other: "Job") -> bool:
        return self.lines[0][0] < other.lines[0][0]


class _Died(Exception):
    """The worker is gone; args[0]: the answers that arrived before it went."""


class _Failed(Exception):
    """The worker could not start; args[0]: why."""


class _Worker:
    """One worker process as the parent sees it: its socket, the jobs it holds, its silence."""

    def __init__(self, context, options: Options, task: Callable, init: Callable):
        mine, theirs = context.Pipe(duplex=True)
        self.process = context.Process(target=serve, args=(theirs, options, task, init), daemon=True)
        self.process.start()
        theirs.close()  # so that the worker's death reads as the end of the socket
        self.conn, self.fd = mine, mine.fileno()
        os.set_blocking(self.fd, False)
        self.ready = False
        self.jobs: deque[Job] = deque()
        self.outgoing: deque[memoryview] = deque()
        self.incoming = bytearray()
        self.silent = 0.0  # seconds the parent has waited on it, while it held a job, since it last spoke

    def give(self, job: Job) -> None:
        if not self.jobs:
            self.silent = 0.0
        self.jobs.append(job)
        body = pickle.dumps(job.lines, protocol=pickle.HIGHEST_PROTOCOL)
        self.outgoing.extend((memoryview(_JOB.pack(len(body))), memoryview(body)))

    def send(self) -> None:
        """Write what the socket takes now."""
        while self.outgoing:
            try:
                done = os.write(self.fd, self.outgoing[0])
            except BlockingIOError:
                return
            except OSError:  # the worker is gone: receive() will find its socket at an end
                self.outgoing.clear()
                return
            if done == len(self.outgoing[0]):
                self.outgoing.popleft()
            else:
                self.outgoing[0] = self.outgoing[0][done:]

    def receive(self) -> list[tuple[Job, bytes, int]]:
        """The jobs answered in what the socket holds now; _Died when the worker is gone."""
        gone = False
        while True:
            try:
                part = os.read(self.fd, _READ)
            except BlockingIOError:
                break
            except OSError:
                part = b""
            if not part:
                gone = True
                break
            self.incoming += part
            self.silent = 0.0
        answers = []
        while len(self.incoming) >= _ANSWER.size:
            size, errors = _ANSWER.unpack_from(self.incoming)
            end = _ANSWER.size + size
            if len(self.incoming) < end:
                break
            data = bytes(self.incoming[_ANSWER.size:end])
            del self.incoming[:end]
            if errors == _READY:
                self.ready = True
            elif errors == _FAILED:
                raise _Failed(data.decode("utf-8", "replace"))
            else:
                answers.append((self.jobs.popleft(), data, errors))
        if gone:
            raise _Died(answers)
        return answers

    def limit(self, stall: float) -> float:
        return stall if self.ready else max(stall, START_SECONDS)

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: it also ends a stopped process
        self.process.join(5)
        self.conn.close()


class Pool:
    """`workers` processes evaluating chunks of lines; see the module's text."""

    def __init__(self, options: Options, workers: int, task: Callable, init: Callable,
                 chunk_lines: int, in_flight: int, stall: Optional[float] = None):
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            # the server imports these once, and every worker forked from it starts with them
            self.context.set_forkserver_preload(["creval.tools.batch", "creval.tools.batch.pool",
                                                 "creval.engine.evaluate"])
        self.options, self.task, self.init = options, task, init
        self.chunk_lines = chunk_lines
        self.most_lines = workers * in_flight * chunk_lines  # lines read and not yet written
        self.stall = stall if stall is not None else stall_seconds()
        self.deaths_in_a_row = 0
        self.start_failure: Optional[str] = None  # why the last worker that could not start said so
        self.workers: list[_Worker] = []
        for _ in range(workers):
            self.workers.append(_Worker(self.context, options, task, init))

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Kill every worker (there is nothing to save in one) and reap it: never wait on a stopped one."""
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def run(self, source: Source, write: Callable[[bytes], object], stats: Stats) -> None:
        order: deque[Job] = deque()  # every job not yet written, in input order
        waiting: list[Job] = []  # jobs no worker holds, a heap: the earliest first
        partial: list[Line] = []  # lines read and not yet in a job
        held = 0  # lines read and not yet written

        def submit(lines: list[Line]) -> None:
            job = Job(lines)
            order.append(job)
            heapq.heappush(waiting, job)

        while True:
            while order and order[0].output is not None:
                job = order.popleft()
                write(job.output)
                stats.lines += len(job.lines)
                stats.errors += job.errors
                held -= len(job.lines)
            if source.eof and not order:
                return
            for worker in self.workers:
                while waiting and len(worker.jobs) < HELD:
                    worker.give(heapq.heappop(waiting))
                worker.send()
            reading = not source.eof and held < self.most_lines
            free = any(not worker.jobs for worker in self.workers)

            poll = select.poll()
            if reading and source.fd is not None:
                poll.register(source.fd, select.POLLIN)
            for worker in self.workers:
                poll.register(worker.fd, select.POLLIN | (select.POLLOUT if worker.outgoing else 0))
            busy = [worker for worker in self.workers if worker.jobs]
            timeout = min((worker.limit(self.stall) - worker.silent for worker in busy), default=None)
            if (reading and source.fd is None) or (partial and free):
                timeout = 0  # input to read at once; or: is more input there, or has it paused?
            started = time.monotonic()
            events = dict(poll.poll(None if timeout is None else max(0, timeout) * 1000))
            waited = time.monotonic() - started
            for worker in busy:
                worker.silent += waited

            for index, worker in enumerate(self.workers):
                try:
                    if events.get(worker.fd, 0) & select.POLLOUT:
                        worker.send()
                    if events.get(worker.fd, 0) & ~select.POLLOUT:
                        self._answered(worker.receive())
                except _Failed as failed:  # perhaps for a moment (a file being replaced): try another
                    self.start_failure = failed.args[0]
                    self._replace(index, order, waiting, stats, "")
                    continue
                except _Died as died:
                    self._answered(died.args[0] if died.args else [])
                    self._replace(index, order, waiting, stats, t("batch.crashed_line", self.options.lang))
                    continue
                if worker.jobs and worker.silent >= worker.limit(self.stall):
                    self._replace(index, order, waiting, stats,
                                  t("batch.stalled_line", self.options.lang, seconds=f"{self.stall:g}"))

            if reading and (source.fd is None or source.fd in events):
                partial.extend(lines := source.read())
                held += len(lines)
                while len(partial) >= self.chunk_lines:
                    submit(partial[:self.chunk_lines])
                    del partial[:self.chunk_lines]
                if source.eof and partial:
                    submit(partial)
                    partial = []
            elif partial and free:  # the input has paused: send what there is, so that its answers come back now
                submit(partial)
                partial = []

    def _answered(self, answers: list[tuple[Job, bytes, int]]) -> None:
        for job, data, errors in answers:
            job.output, job.errors = data, errors
            self.deaths_in_a_row = 0
            self.start_failure = None

    def _replace(self, index: int, order: deque, waiting: list, stats: Stats, cause: str) -> None:
        """A worker died or stalled: kill it, start another, and run again what it held."""
        worker = self.workers[index]
        worker.kill()
        stats.replaced += 1
        self.deaths_in_a_row += 1
        if self.deaths_in_a_row >= MAX_DEATHS_IN_A_ROW:
            if self.start_failure is not None:
                raise BatchAborted(t("batch.worker_failed", self.options.lang, reason=self.start_failure))
            raise BatchAborted(t("batch.gave_up", self.options.lang, count=self.deaths_in_a_row))
        self.workers[index] = _Worker(self.context, self.options, self.task, self.init)
        if not worker.ready:  # it died loading the rules: it ran nothing, and nothing is to blame
            for job in worker.jobs:
                heapq.heappush(waiting, job)
            return
        if not worker.jobs:
            return
        running = worker.jobs.popleft()
        for job in worker.jobs:  # sent, never started: as new
            heapq.heappush(waiting, job)
        running.deaths += 1
        if running.deaths < 2:
            heapq.heappush(waiting, running)
        elif len(running.lines) == 1:
            running.output = error_output(running.lines[0][0], cause)
            running.errors = 1
            self.deaths_in_a_row = 0  # that line is settled: the run moves on
        else:  # find the line(s) that kill workers: each line alone
            parts = [Job([line]) for line in running.lines]
            at = order.index(running)
            del order[at]
            for offset, part in enumerate(parts):
                order.insert(at + offset, part)
                heapq.heappush(waiting, part)
