"""`kg ingest DIR -o REVIEWS/`: every `.txt` of a folder, one review file each, with one graph read and one model
load for all of them (the model's load costs seconds; a short article's own reading, a fraction of one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.ingest.ingest import Ingested, ingest
from kg.ingest.known import Known
from kg.shared.errors import InputError


@dataclass
class Done:
    source: Path
    review: Path
    result: Ingested


def texts_in(folder: str | Path) -> list[Path]:
    """The folder's .txt files in name order; InputError when there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    if not files:
        raise InputError(f"{folder}: no .txt file to ingest")
    return files


def review_path(out_dir: Path, source: Path) -> Path:
    return out_dir / f"{source.stem}.review.tsv"


def ingest_folder(folder: str | Path, out_dir: str | Path, *, data_dir: str | None = None,
                  use_model: bool = True, use_cache: bool = True,
                  each: Callable[[int, int, Path], None] | None = None,
                  write: Callable[[str, Path], None] | None = None) -> list[Done]:
    """Ingest every .txt of `folder` into `out_dir/NAME.review.tsv`; `each(done, total, file)` after each file.

    Each review is that of `kg ingest FILE` (its document id given by `kg accept`, or the graph's when it already
    holds the text). A file that cannot be read stops the run before its review is written; the reviews already
    written stay (each is complete on its own)."""
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    files = texts_in(folder)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"-o {out}: not a folder (a folder of texts writes one review file per text)")
    out.mkdir(parents=True, exist_ok=True)
    known = Known(open_graph(layout(data_dir), reasoning="none", use_cache=use_cache))
    done: list[Done] = []
    for number, path in enumerate(files, start=1):
        result = ingest(path, data_dir=data_dir, use_model=use_model, use_cache=use_cache, known=known)
        target = review_path(out, path)
        if write is not None:
            write(result.review, target)
        else:
            target.write_text(result.review, encoding="utf-8")
        done.append(Done(path, target, result))
        if each is not None:
            each(number, len(files), path)
    return done
