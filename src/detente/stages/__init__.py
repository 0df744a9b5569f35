"""The pipeline stages. Each module exposes one entry point, `run(article)`."""
