"""`creval batch`: JSON Lines in, JSON Lines out (run), over a pool of worker processes (pool);
lines, chunks and output lines (lines)."""

from creval.tools.batch.lines import MAX_LINE_BYTES, Lines, Options, Source, Stats, chunks, read_lines
from creval.tools.batch.run import Worker, default_workers, init_worker, run, run_chunk

__all__ = ["MAX_LINE_BYTES", "Lines", "Options", "Source", "Stats", "Worker", "chunks", "default_workers", "init_worker", "read_lines",
           "run", "run_chunk"]
