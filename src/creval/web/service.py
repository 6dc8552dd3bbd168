"""The web app's door to the one evaluation path (app/evaluation.py) that `creval check` uses.

Every page and API call that reads a scenario goes through `Service.load` (the hardened
loader: size, depth, aliases, duplicate keys, UTF-8, then the scenario model) and
`Service.evaluate` (app.evaluation.evaluate with this thread's Evaluator, on the rule book
`creval check` uses).

Evaluations run off the event loop, in small pools of threads (`Service.run`), each thread
with its own Evaluator (durable_rules' state is per engine, so no engine is entered by two
threads), so that one slow request never stalls the others. Scenarios with dates known only
roughly (the only ones that can take long) are evaluated in a process of their own
(ROUGH_PROCESSES), so that exact ones, a few milliseconds each, neither wait behind them nor
share the interpreter's lock with them; stopping the server ends that process. Each evaluation has a time
limit: the rough-date splitter stops at its deadline with a reason (422), and a request that
waits longer than the limit for its answer gets 504.
"""

from __future__ import annotations

import asyncio
import threading
import time
import multiprocessing
from dataclasses import replace
from concurrent.futures import BrokenExecutor, CancelledError, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from creval.app.evaluation import Evaluated, evaluate
from creval.engine import ranged
from creval.engine.evaluate import Evaluator
from creval.core.dates import DateRange
from creval.input.loader import InputError, Loaded, Refused, parse_document, validate
from creval.law import rulebook
from creval.render.explain import ScenarioText, explain
from creval.render.i18n import tr

__all__ = [
    "BadInput", "Busy", "LANGS", "Service", "TIME_LIMIT", "TimedOut"
]

LANGS = ("en", "ru", "kk")


class BadInput(Exception):
    """A scenario that cannot be evaluated: the CLI's one-line messages (file:line: field: message)."""

    def __init__(self, errors: list[InputError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def as_json(self) -> dict:
        return {"detail": str(self), "errors": [
            {"file": e.file, "line": e.line, "field": e.field, "message": str(e.message)} for e in self.errors]}


EVAL_THREADS = 2  # per lane; the GIL lets a fast request through while a slow one runs
TIME_LIMIT = 5.0  # seconds one request may evaluate (`creval serve --time-limit`)
MAX_WAITING = 64  # evaluations queued beyond the running ones; past it: 503 at once
ROUGH_PROCESSES = 1  # worker processes for scenarios with rough dates (0: threads of this process)


class TimedOut(Exception):
    """An evaluation that did not answer within the time limit (504)."""


class Busy(Exception):
    """Too many evaluations waiting (503)."""


class Service:
    def __init__(self, rules: Optional[Path] = None, time_limit: float = TIME_LIMIT, threads: int = EVAL_THREADS,
                 processes: int = ROUGH_PROCESSES):
        self.book = rulebook.load(rules)
        self.time_limit = time_limit
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="creval-eval")
        self._rough_pool = ThreadPoolExecutor(threads, thread_name_prefix="creval-rough")
        self._processes: Optional[ProcessPoolExecutor] = None
        if processes:  # started on the first rough scenario (most servers never see one)
            methods = multiprocessing.get_all_start_methods()
            self._process_args = (processes, multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn"))
        self._waiting = 0
        self._stop = threading.Event()
        self.evaluator  # the event loop thread's, built now: a bad rule file fails at start-up

    @property
    def evaluator(self) -> Evaluator:
        """This thread's Evaluator (one per thread: an engine is never shared between threads)."""
        found = getattr(self._local, "evaluator", None)
        if found is None:
            found = self._local.evaluator = Evaluator(self.book)
        return found

    async def run(self, fn: Callable, *args: Any, rough: bool = False) -> Any:
        """`fn(*args)` on an evaluation thread, within the time limit: TimedOut past it, Busy
        when too many wait already. The event loop serves other requests meanwhile. `rough`:
        in the lane of scenarios with dates known only roughly."""
        if self._waiting >= MAX_WAITING:
            raise Busy()
        self._waiting += 1
        try:
            deadline = time.monotonic() + self.time_limit  # the monotonic clock is the machine's: also in a worker process
            if rough == "process":  # the first submit starts the worker process: seconds, off the event loop
                future = await asyncio.to_thread(self._process_pool().submit, _evaluate_rough, deadline, *args)
            else:
                future = (self._rough_pool if rough else self._pool).submit(self._limited, deadline, self._stop, fn, *args)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.time_limit + 1)
            except asyncio.TimeoutError:
                future.cancel()  # if still queued; a running one stops at its deadline
                raise TimedOut() from None
            except (BrokenExecutor, CancelledError):  # the server is stopping
                raise Busy() from None
        except RuntimeError:  # submitted after the pools were shut down: stopping too
            if self._stop.is_set():
                raise Busy() from None
            raise
        finally:
            self._waiting -= 1

    @staticmethod
    def _limited(deadline: float, stop: threading.Event, fn: Callable, *args: Any) -> Any:
        ranged.limits.deadline, ranged.limits.stop = deadline, stop  # the rough-date splitter checks them
        try:
            return fn(*args)
        finally:
            ranged.limits.deadline = ranged.limits.stop = None

    def _process_pool(self) -> ProcessPoolExecutor:
        if self._processes is None:
            count, context = self._process_args
            self._processes = ProcessPoolExecutor(count, mp_context=context, initializer=_start_rough_worker,
                                                  initargs=(str(self.book.folder),))
        return self._processes

    def close(self) -> None:
        """Stop taking evaluations: rough ones stop now (their process ends), others within
        milliseconds."""
        self._stop.set()
        for pool in (self._pool, self._rough_pool):
            pool.shutdown(wait=False, cancel_futures=True)
        if self._processes is not None:
            self._processes.shutdown(wait=False, cancel_futures=True)
        self.end_workers()

    @staticmethod
    def end_workers() -> None:
        """Kill the worker processes, one still starting included: exiting would wait for them."""
        for process in multiprocessing.active_children():
            process.kill()

    def parse(self, data: bytes, name: str, suffix: str, lang: str = "en") -> Any:
        """Bytes of a YAML or JSON document, parsed by the loader; BadInput names the line and field."""
        try:
            return parse_document(data, suffix)
        except Refused as exc:
            raise BadInput([InputError(name, tr(exc.args[0], lang), exc.line, exc.field)]) from None

    def load(self, doc: Any, name: str, as_of: Optional[date] = None, lang: str = "en") -> Loaded:
        """A parsed document checked against the scenario model, as `creval check` checks a file."""
        loaded = validate(doc, name, self.book, as_of, lang)
        if loaded.errors:
            raise BadInput(loaded.errors)
        return loaded

    def evaluate(self, loaded: Loaded, tests: Optional[list[str]] = None, lang: str = "en") -> ScenarioText:
        """One validated scenario on the one evaluation path, in words."""
        return _in_words(evaluate(self.evaluator, loaded.scenario, loaded.file, tests), lang)

    def check(self, data: bytes, name: str, suffix: str, as_of: Optional[date] = None,
              tests: Optional[list[str]] = None, lang: str = "en") -> ScenarioText:
        """Bytes in, a result out: what `creval check FILE` does for one file."""
        return self.evaluate(self.load(self.parse(data, name, suffix, lang), name, as_of, lang), tests, lang)

    async def evaluated(self, loaded: Loaded, tests: Optional[list[str]] = None, lang: str = "en") -> ScenarioText:
        """`evaluate` off the event loop, in the lane its dates call for."""
        if not is_rough(loaded):
            return await self.run(self.evaluate, loaded, tests, lang)
        if self._processes is None and not getattr(self, "_process_args", None):
            return await self.run(self.evaluate, loaded, tests, lang, rough=True)
        doc = loaded.scenario.model_dump(mode="json", exclude_unset=True)  # read again there: a model class does not pickle
        result = await self.run(None, doc, loaded.file, tests, lang, rough="process")
        if result.errors:
            raise BadInput([InputError(loaded.file, e) for e in result.errors])
        return result

    async def checked(self, data: bytes, name: str, suffix: str, as_of: Optional[date] = None,
                      tests: Optional[list[str]] = None, lang: str = "en") -> ScenarioText:
        """`check` off the event loop: read and validated in the quick lane, evaluated in its own."""
        loaded = await self.run(lambda: self.load(self.parse(data, name, suffix, lang), name, as_of, lang))
        return await self.evaluated(loaded, tests, lang)

    def unknown_tests(self, tests: Optional[list[str]]) -> list[str]:
        return [t for t in tests or [] if t not in self.book.tests]


def _in_words(evaluated: Evaluated, lang: str) -> ScenarioText:
    """The result in words; a test the engine failed on is the request's error (the CLI
    reports it and exits 2), and a bug in creval stays one (500)."""
    if evaluated.bug is not None:
        raise evaluated.bug
    if evaluated.errors:
        raise BadInput([replace(e, message=tr(e.message, lang)) for e in evaluated.errors])
    return explain(evaluated.result, lang)


def is_rough(loaded: Loaded) -> bool:
    """Whether a scenario holds a date known only roughly (its evaluation may take long)."""
    facts = loaded.scenario.facts
    return any(type(v) is DateRange for matter in facts.model_fields_set
               for v in getattr(facts, matter).__dict__.values())


# ---- the worker process of rough scenarios

_worker: tuple | None = None  # (rule book, evaluator) of this worker process


def _start_rough_worker(rules: str) -> None:
    global _worker
    book = rulebook.load(Path(rules))
    _worker = (book, Evaluator(book))


def _evaluate_rough(deadline: float, doc: dict, name: str, tests: Optional[list[str]], lang: str) -> ScenarioText:
    book, evaluator = _worker
    ranged.limits.deadline = deadline
    try:
        loaded = validate(doc, name, book, None, lang)
        if loaded.errors:  # validated once already: only a rule file changed meanwhile could do this
            raise ValueError(str(loaded.errors[0]))
        evaluated = evaluate(evaluator, loaded.scenario, name, tests)
        if evaluated.bug is not None:
            raise evaluated.bug
        # words travel back, not the rule book; a test the engine failed on is among the
        # result's errors, which `evaluated` turns into the request's (an exception would not pickle)
        return explain(evaluated.result, lang)
    finally:
        ranged.limits.deadline = None
