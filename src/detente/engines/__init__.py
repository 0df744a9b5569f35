"""Where `ingest` codes articles: "local" (this machine, `--workers` forked processes; the code
is `api.ingest` itself) or "dask" (a Dask distributed cluster, local or remote; `engines.dask`).
Both store the same articles, events and rejects."""

ENGINES = ("local", "dask")
