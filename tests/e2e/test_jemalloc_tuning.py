"""The jemalloc settings built into the sluice binary (src/app/jemalloc_tuning.cpp) reach jemalloc,
and the MALLOC_CONF environment variable still overrides them. Read back from jemalloc's own
statistics, which it prints at exit when asked (stats_print)."""

import argparse
import os
import re
import subprocess
import sys
import unittest

ARGS = None


def jemalloc_option(name, malloc_conf):
    env = dict(os.environ, MALLOC_CONF=malloc_conf)
    run = subprocess.run([ARGS.sluice, "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    found = re.search(rf"^\s*opt\.{re.escape(name)}: (\S+)", run.stdout + run.stderr, re.MULTILINE)
    assert found, f"jemalloc printed no opt.{name}: is the binary linked with jemalloc?"
    return found.group(1)


class JemallocTuning(unittest.TestCase):
    def test_thread_cache_holds_produce_buffers(self):
        # 128 KiB: librdkafka's ~68 KiB compressed batches stay in the thread cache.
        self.assertEqual(jemalloc_option("tcache_max", "stats_print:true"), "131072")

    def test_environment_overrides_the_built_in_setting(self):
        self.assertEqual(jemalloc_option("tcache_max", "stats_print:true,tcache_max:65536"), "65536")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
