"""Where pass 1 runs: in-process, a local process pool, or a Ray cluster. The parent always writes.

Every engine turns an iterator of (RawPage, content_hash) into an iterator of result rows (any order) and
offers `relate()` for pass 2. Models load once per worker process / Ray actor, never per page.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from nlp.log import get_logger
from nlp.scan import worker
from nlp.scan.inputs import RawPage

log = get_logger(__name__)
Item = tuple[RawPage, str]


class EngineError(RuntimeError):
    """The engine itself failed (a worker died, the cluster went away); committed results are kept."""


class InProcessEngine:
    """workers=0: everything in this process (debugging, tests, tiny crawls)."""

    name = "inprocess"

    def __init__(self, factory: str, models_dir: str | None, tasks: tuple[str, ...] = worker.TASKS, **_: object) -> None:
        worker.init_worker(factory, models_dir, threads=2, worker_process=False, tasks=tasks)
        self.failed = 0

    def run(self, items: Iterator[Item], sig: str) -> Iterator[dict]:
        for raw, h in items:
            yield worker.analyse(raw, h, sig)

    def relate(self, interp_doc_json: str, doc_json: str, stored_json: str | None = None) -> str | None:
        return worker.relate(interp_doc_json, doc_json, stored_json)

    def close(self) -> None:
        pass


def _start_method(requested: str | None = None) -> str:
    """fork where the platform has it (Linux): the parent loads the models once and the workers share them
    copy-on-write, so a worker starts in milliseconds instead of re-importing sklearn/pandas and re-reading
    every model (seconds each). GOVLINT_SCAN_START=spawn restores fresh interpreters."""
    want = requested or os.environ.get("GOVLINT_SCAN_START") or "fork"
    return want if want in mp.get_all_start_methods() else "spawn"


class LocalEngine:
    """A process pool. With fork (default on Linux) the parent loads the pipeline once, freezes it out of the
    garbage collector's reach (so workers do not copy its pages by touching them) and forks the workers
    before any thread exists; with spawn each worker loads the pipeline in its initializer."""

    name = "local"

    def __init__(self, factory: str, models_dir: str | None, workers: int = 2, chunk: int = 8,
                 tasks: tuple[str, ...] = worker.TASKS, start_method: str | None = None, **_: object) -> None:
        self.workers = max(1, workers)
        self.chunk = chunk
        self.failed = 0
        self.start_method = _start_method(start_method)
        if self.start_method == "fork":
            import gc

            worker.init_worker(factory, models_dir, threads=1, worker_process=False, tasks=tasks)
            gc.collect()
            gc.freeze()
        self.ex = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context(self.start_method),
                                      initializer=worker.init_worker, initargs=(factory, models_dir, 1, True, tasks))
        # start every worker now (fork: all at once, before the progress bar's monitor thread exists) and wait
        # until they are ready, so start-up is measured apart from analysis
        for f in [self.ex.submit(worker.load_seconds) for _ in range(self.workers)]:
            f.result()
    def run(self, items: Iterator[Item], sig: str) -> Iterator[dict]:
        it = iter(items)
        pending: dict[Future, list[Item]] = {}

        def submit() -> bool:
            chunk = list(islice(it, self.chunk))
            if not chunk:
                return False
            pending[self.ex.submit(worker.analyse_batch, chunk, sig)] = chunk
            return True

        for _ in range(self.workers * 4):
            if not submit():
                break
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                chunk = pending.pop(fut)
                try:
                    rows = fut.result()
                except BrokenProcessPool as exc:
                    raise EngineError(f"a worker process died ({exc}); results written so far are kept — "
                                      "re-run the same command to resume") from exc
                except Exception as exc:  # not stored, so a re-run retries these pages
                    self.failed += len(chunk)
                    log.error("batch_failed", error=f"{type(exc).__name__}: {exc}", first=chunk[0][0].id)
                    rows = []
                yield from rows
                submit()

    def relate(self, interp_doc_json: str, doc_json: str, stored_json: str | None = None) -> str | None:
        return self.ex.submit(worker.relate, interp_doc_json, doc_json, stored_json).result()

    def relate_many(self, pairs: list[tuple[str, ...]]) -> list[str | None]:
        """Pass 2's copy ratios, spread over the workers (results in input order)."""
        return list(self.ex.map(worker.relate_pair, pairs, chunksize=max(1, len(pairs) // (self.workers * 4) or 1)))

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)


class _RayAnalyzer:
    """Ray Data actor: loads the pipeline once, analyses a batch of pickled RawPages."""

    def __init__(self, factory: str, models_dir: str | None, sig: str, tasks: tuple[str, ...]) -> None:
        worker.init_worker(factory, models_dir, threads=1, tasks=tasks)
        self.sig = sig

    def __call__(self, batch: dict) -> dict:
        out = []
        for blob, h in zip(batch["raw"], batch["hash"]):
            raw = pickle.loads(bytes(blob))
            out.append(pickle.dumps(worker.analyse(raw, str(h), self.sig)))
        return {"result": out}


class RayEngine:
    """Ray Data: `map_batches` over an actor pool (one pipeline per actor).

    `address=None` starts a local cluster with `workers` CPUs; pass `--ray-address auto` (or ray://host:10001)
    to use a running cluster. Pages are shipped as pickled bytes in blocks of `block_pages`; each block is one
    Dataset, so the actors (and their models) are set up once per block.
    """

    name = "ray"

    def __init__(self, factory: str, models_dir: str | None, workers: int = 2, address: str | None = None,
                 batch_size: int = 16, block_pages: int = 20000, tasks: tuple[str, ...] = worker.TASKS,
                 **_: object) -> None:
        self.tasks = tasks
        try:
            import ray
        except ImportError as exc:
            raise EngineError('--engine ray needs Ray: .venv/bin/pip install "ray[data]" (the `scale` extra)') from exc
        self.ray = ray
        self.factory, self.models_dir = factory, models_dir
        self.workers = max(1, workers)
        self.batch_size, self.block_pages = batch_size, block_pages
        self.failed = 0
        self._started = False
        import logging

        for name in ("ray", "ray.data"):  # our own progress bar and JSON stats are the interface
            logging.getLogger(name).setLevel(logging.WARNING)
        if not ray.is_initialized():
            kw = {"address": address} if address else {"num_cpus": self.workers}
            # workers must import nlp (and a test's pipeline factory) like the driver does
            path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
            ray.init(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                     runtime_env={"env_vars": {"PYTHONPATH": path, "GOVLINT_LOG_LEVEL": "ERROR"}}, **kw)
            self._started = True
        ray.data.DataContext.get_current().enable_progress_bars = False
        self._local = None

    def run(self, items: Iterator[Item], sig: str) -> Iterator[dict]:
        it = iter(items)
        while True:
            block = list(islice(it, self.block_pages))
            if not block:
                return
            ds = self.ray.data.from_items([{"raw": pickle.dumps(raw), "hash": h} for raw, h in block])
            out = ds.map_batches(
                _RayAnalyzer, fn_constructor_kwargs={"factory": self.factory, "models_dir": self.models_dir, "sig": sig,
                                       "tasks": self.tasks},
                batch_size=self.batch_size, compute=self.ray.data.ActorPoolStrategy(size=self.workers), num_cpus=1,
                batch_format="numpy",
            )
            try:
                for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
                    for result in batch["result"]:
                        yield pickle.loads(bytes(result))
            except Exception as exc:  # the cluster failed mid-block: keep what was written, say how to resume
                raise EngineError(f"Ray execution failed ({type(exc).__name__}: {exc}); results written so far are "
                                  "kept — re-run to resume") from exc

    def relate(self, interp_doc_json: str, doc_json: str, stored_json: str | None = None) -> str | None:
        # few pairs: done in the driver, with its own pipeline loaded on first use
        if self._local is None:
            worker.init_worker(self.factory, self.models_dir, threads=1, worker_process=False)
            self._local = True
        return worker.relate(interp_doc_json, doc_json, stored_json)

    def close(self) -> None:
        if self._started:
            self.ray.shutdown()


def make_engine(name: str, workers: int, factory: str, models_dir: str | None, **kw: object):
    if name == "ray":
        return RayEngine(factory, models_dir, workers=workers, **kw)
    if workers <= 0:
        return InProcessEngine(factory, models_dir, **kw)
    return LocalEngine(factory, models_dir, workers=workers, **kw)
