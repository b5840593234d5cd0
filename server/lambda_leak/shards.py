"""`--shard K/N`: split the files of one check over the N jobs of a CI matrix.

A file belongs to shard `1 + hash(path) mod N`, with a hash that is the same on every machine and
Python version (SHA-1 of the path relative to the working folder), so N jobs that run the same
command check every file exactly once. Only the files analysed are split: cross-file facts
(imports, IaC handler declarations) still come from the whole tree, so the shards together report
exactly what one run reports.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from lambda_leak.files import relative_path


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as users write it
    count: int

    @classmethod
    def parse(cls, value: str) -> "Shard":
        """argparse type for `K/N`."""
        index, slash, count = value.partition("/")
        try:
            shard = cls(int(index), int(count))
        except ValueError:
            shard = None
        if not slash or shard is None or not 1 <= shard.index <= shard.count:
            raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N (for example 2/4), got {value!r}")
        return shard

    def takes(self, path: Path) -> bool:
        import hashlib  # here: only a sharded run needs it, and loading it (OpenSSL) costs every run ~5 ms

        name = relative_path(path) or path.resolve().as_posix()
        return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:8], "big") % self.count == self.index - 1

    @property
    def automation_id(self) -> str:
        """The SARIF run's category: code scanning keeps one analysis per category and commit."""
        return f"lambda-leak/shard-{self.index}-of-{self.count}/"
