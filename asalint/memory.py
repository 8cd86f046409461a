"""Garbage collection around bulk work.

Python's cyclic collector starts a pass every few hundred new objects
and walks everything young again. Bulk work that builds objects by the
hundred thousand (importing the parser library, parsing a config,
loading a cache entry) pays a tenth to two thirds of its time for those
passes, to find cycles it does not make, or makes only to drop at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    The collector runs again afterwards and finds any cycle made inside.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
