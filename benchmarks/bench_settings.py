"""The project's settings plus the benchmark-only URLs (a bare view to compare against).

Everything else (middleware, database, channel layer, DEBUG) is community.settings
driven by the environment the benchmark scripts set.
"""

from community.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
