"""Peak memory of `detente ingest` for a small and a large corpus: memory should follow the
batch size, not the number of articles.

    python bench/memory.py [--shared ../shared] [--sizes 1000,20000] [--workers 1] [--batch-size 16] [--chars 0]

The Wikinews corpus is repeated up to each size, each copy with a line ("Copy 3.") added so
every article has its own content hash and is stored (not skipped as a duplicate); the
articles go in JSONL files of 500 records. Each size is ingested into a fresh database by
a subprocess. Printed per size: the ingest process's peak RSS and the largest worker's (from
getrusage), and the peak total RSS and PSS of the whole process tree (sampled from /proc
twice a second; PSS splits pages that forked workers share). --chars N cuts each article to
its first paragraphs within N characters, to reach large article counts in reasonable time.
Prints figures only; nothing here asserts them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stages import corpus

CHILD = """
import json, resource, sys
from detente.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    mine, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print("RUSAGE " + json.dumps({"parent": mine.ru_maxrss, "worker": kids.ru_maxrss}), file=sys.stderr)
"""


def shorten(text: str, chars: int) -> str:
    if chars <= 0 or len(text) <= chars:
        return text
    kept = ""
    for paragraph in text.split("\n\n"):
        if kept and len(kept) + len(paragraph) > chars:
            break
        kept = f"{kept}\n\n{paragraph}" if kept else paragraph
    return kept


def write_corpus(texts, size: int, folder: Path, chars: int) -> None:
    folder.mkdir(parents=True)
    lines = []
    for i in range(size):
        text, published = texts[i % len(texts)]
        copy = i // len(texts)
        text = shorten(text, chars) + (f"\n\nCopy {copy}." if copy else "")
        lines.append(json.dumps({"id": f"a{i}", "date": published, "text": text}))
    for start in range(0, size, 500):
        (folder / f"part{start // 500:04d}.jsonl").write_text("\n".join(lines[start:start + 500]) + "\n", encoding="utf-8")


def tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def kb(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(folder: Path, db: Path, workers: int, batch_size: int) -> dict:
    command = [sys.executable, "-c", CHILD, "ingest", str(folder), "--db", str(db), "--workers", str(workers),
               "--batch-size", str(batch_size)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        pids = tree(proc.pid)
        peak_rss = max(peak_rss, sum(kb(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids))
        peak_pss = max(peak_pss, sum(kb(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids))
        time.sleep(0.5)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"ingest failed ({proc.returncode}):\n{err[-2000:]}")
    usage = json.loads(next(line for line in err.splitlines() if line.startswith("RUSAGE "))[7:])
    return {"seconds": seconds, "summary": out.strip().splitlines()[0], "parent": usage["parent"] / 1024,
            "worker": usage["worker"] / 1024, "tree_rss": peak_rss / 1024, "tree_pss": peak_pss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared", help="the folder holding data/corpus/wikinews")
    parser.add_argument("--sizes", default="1000,20000", help="article counts, e.g. 1000,20000")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--chars", type=int, default=0, help="cut each article to about this many characters (0: whole)")
    args = parser.parse_args()

    texts = corpus(Path(args.shared), 10_000)
    sizes = [int(s) for s in args.sizes.split(",")]
    method = os.environ.get("DETENTE_START_METHOD") or "default"
    print(f"{len(texts)} Wikinews articles repeated; workers {args.workers} (start method {method}), "
          f"batch size {args.batch_size}, chars {args.chars or 'whole'}")
    print(f"{'articles':>8} {'seconds':>8} {'art/s':>6} {'ingest MB':>9} {'worker MB':>9} {'tree RSS MB':>11} {'tree PSS MB':>11}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / f"n{size}"
            write_corpus(texts, size, folder, args.chars)
            r = measure(folder, Path(tmp) / f"n{size}.duckdb", args.workers, args.batch_size)
            results.append(r)
            print(f"{size:8d} {r['seconds']:8.0f} {size / r['seconds']:6.1f} {r['parent']:9.0f} {r['worker']:9.0f} "
                  f"{r['tree_rss']:11.0f} {r['tree_pss']:11.0f}   {r['summary']}", flush=True)
    if len(results) > 1:
        first, last = results[0], results[-1]
        for key, name in (("parent", "ingest process peak RSS"), ("tree_pss", "process tree peak PSS")):
            if first[key]:
                print(f"{name}: {sizes[-1]} vs {sizes[0]} articles = {last[key] / first[key] - 1:+.1%}   (target within ±10%)")


if __name__ == "__main__":
    main()
