"""One set of output formats for every command: table, jsonl, csv, parquet (and json)."""
from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any, Iterable, Sequence

FORMATS = ("table", "jsonl", "csv", "parquet")


def _flat(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("code") or value.get("name") or json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def flatten(record: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}_"))
        elif isinstance(value, (list, tuple)):
            out[f"{prefix}{key}"] = json.dumps(list(value), ensure_ascii=False)
        else:
            out[f"{prefix}{key}"] = value
    return out


def render_table(records: Sequence[dict], columns: Sequence[str], max_width: int = 60) -> str:
    rows = [[_cell(r.get(c), max_width) for c in columns] for r in records]
    widths = [max([len(c)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    return "\n".join(out) + "\n"


def _cell(value: Any, max_width: int) -> str:
    value = _flat(value)
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def write(records: Iterable[dict], fmt: str, columns: Sequence[str], stream=None, output: str | None = None) -> None:
    """Write records in a format. `columns` picks and orders table columns; jsonl keeps everything."""
    records = list(records)
    stream = stream or sys.stdout
    if fmt == "jsonl":
        for r in records:
            stream.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "json":
        stream.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        flat = [flatten(r) for r in records]
        fields = list(dict.fromkeys(k for r in flat for k in r)) or list(columns)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(flat)
        stream.write(buffer.getvalue())
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not output:
            raise ValueError("parquet output needs a file: pass --output FILE.parquet")
        pq.write_table(pa.Table.from_pylist([flatten(r) for r in records]), output)
    else:
        stream.write(render_table(records, columns))
