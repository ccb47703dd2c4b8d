"""`make bench`: run every bench/bench_*.py module and write its figures to bench/results/.

Each module exposes `run() -> dict` returning its figures (medians, data sizes, units); this
runner writes them as JSON and as a short Markdown table, one file pair per module.
"""

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import django

RESULTS = Path(__file__).with_name("results")


def main(selected: list[str]) -> None:
    django.setup()
    RESULTS.mkdir(exist_ok=True)
    import bench

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    for name in names:
        if selected and name not in selected:
            continue
        started = time.monotonic()
        print(f"== {name}", flush=True)
        figures = importlib.import_module(f"bench.{name}").run()
        figures["_wall_seconds"] = round(time.monotonic() - started, 1)
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
        lines = [f"# {name}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in figures.items()]
        (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
        print(json.dumps(figures, indent=2, default=str), flush=True)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    main(sys.argv[1:])
