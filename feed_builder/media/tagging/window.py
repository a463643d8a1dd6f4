"""A file object that shows mutagen a whole master but holds only a small stretch of it in memory.

mutagen tags an MP4 file in place: it reads the top-level atoms from offset 0, rewrites `ilst`
inside `moov`, and shifts every chunk offset that lies after the tag. Given a `Window` it does all
that on an in-memory copy of `moov` (and the small atoms up to the next `mdat`) at the offsets the
atoms have in the master, so the chunk offsets it fixes are right for the output, while the bytes
before the window are read through from the master (mutagen reads only atom headers there) and the
audio after it is never read at all.
"""
from __future__ import annotations

import io
import os
from typing import BinaryIO


class Window:
    """The master's bytes before `base` (read-only), then `data` (read-write) at offset `base`."""

    def __init__(self, master: BinaryIO, base: int, data: bytes) -> None:
        self.name = getattr(master, "name", "?")
        self._master = master
        self._base = base
        self._data = io.BytesIO(data)
        self._position = 0

    def getvalue(self) -> bytes:
        """The window's bytes as they are now."""
        return self._data.getvalue()

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        origin = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._end()}[whence]
        if origin + offset < 0:
            raise ValueError("negative seek position")
        self._position = origin + offset
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        size = -1 if size is None else size
        out = b""
        if self._position < self._base:
            wanted = self._base - self._position if size < 0 else min(size, self._base - self._position)
            self._master.seek(self._position)
            out = self._master.read(wanted)
            self._position += len(out)
            if len(out) < wanted:
                return out
            size = size if size < 0 else size - len(out)
        if size:
            self._data.seek(self._position - self._base)
            chunk = self._data.read(size)
            self._position += len(chunk)
            out += chunk
        return out

    def write(self, data: bytes) -> int:
        if not data:
            return 0  # mutagen checks writability with an empty write at offset 0
        if self._position < self._base:
            raise OSError(f"refusing to write at {self._position}, before the window at {self._base}")
        self._data.seek(self._position - self._base)
        written = self._data.write(data)
        self._position += written
        return written

    def truncate(self, size: int | None = None) -> int:
        size = self._position if size is None else size
        if size < self._base:
            raise OSError(f"refusing to truncate to {size}, before the window at {self._base}")
        self._data.truncate(size - self._base)
        return size

    def flush(self) -> None:
        """Nothing to flush: the window lives in memory until the caller writes it out."""

    def _end(self) -> int:
        with self._data.getbuffer() as view:  # released at once: a live view would pin the size
            return self._base + view.nbytes
