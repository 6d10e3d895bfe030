#!/usr/bin/env python3
"""Per-thread CPU ticks and context switches of processes, from /proc.

    thread_times.py PID...            one line per thread: pid/tid name utime stime vcsw ncsw
    thread_times.py --diff BEFORE AFTER   what each thread used between two such snapshots

`bench/scenarios/kafka.sh --threads` takes a snapshot before and after the measured window and
prints the difference, so that the cost of every sluice stage (threads are named io-N, work-N,
kdrain:<sink>, ...) can be read next to the load generator's and the broker's.
"""

import os
import sys


def snapshot(pids):
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            continue
        for tid in tids:
            base = f"/proc/{pid}/task/{tid}"
            try:
                with open(base + "/comm") as f:
                    name = f.read().strip().replace(" ", "_")
                with open(base + "/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()  # the name may contain spaces
                with open(base + "/status") as f:
                    status = dict(line.split(":", 1) for line in f if ":" in line)
            except FileNotFoundError:  # the thread ended meanwhile
                continue
            print(f"{pid}/{tid} {name} {fields[11]} {fields[12]} "
                  f"{status['voluntary_ctxt_switches'].strip()} {status['nonvoluntary_ctxt_switches'].strip()}")


def read(path):
    rows = {}
    with open(path) as f:
        for line in f:
            key, name, *numbers = line.split()
            rows[key] = (name, [int(n) for n in numbers])
    return rows


def diff(before_path, after_path):
    before, after = read(before_path), read(after_path)
    used = []
    per_process = {}
    for key, (name, numbers) in after.items():
        if key not in before:
            continue
        user, system, voluntary, involuntary = (a - b for a, b in zip(numbers, before[key][1]))
        pid = key.split("/")[0]
        per_process[pid] = per_process.get(pid, 0) + user + system
        if user + system + voluntary > 10:
            used.append((user + system, name, user, system, voluntary, involuntary, pid))
    for _, name, user, system, voluntary, involuntary, pid in sorted(used, reverse=True):
        print(f"{pid:>7} {name:<18} user {user:5} sys {system:5}  vcsw {voluntary:7} ncsw {involuntary:6}")
    for pid, ticks in per_process.items():
        print(f"process {pid} ticks {ticks}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--diff":
        diff(sys.argv[2], sys.argv[3])
    else:
        snapshot(sys.argv[1:])
