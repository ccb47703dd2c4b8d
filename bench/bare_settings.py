"""The portal's settings with one page added for the benchmark's baseline (see bench/bare_urls.py)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
