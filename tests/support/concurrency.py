"""Run calls at the same moment, each on its own thread and database connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(*calls: Callable[[], object]) -> list[object]:
    """Start every call on its own thread and connection at the same moment; return each result,
    or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
