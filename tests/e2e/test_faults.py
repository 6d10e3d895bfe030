"""Faults under load, with the real components: the sluice binary, librdkafka mock clusters in their
own processes (broken and healed through sluice-kafka-mock's stdin commands), Debian's
rabbitmq-server and nats-server, and load from sluice-bench (which also checks every acknowledged
event id in Kafka or RabbitMQ) or from this file's own HTTP client.

Every case prints one machine-readable line on stdout, the source of RELIABILITY.md:

    FAULT case=kill9-kafka acked=12345 lost=0 duplicated=17 unacked_delivered=230 peak_rss_mib=88 ...

acked: events answered 200; lost: acknowledged but never delivered (must be 0); duplicated: extra
copies delivered; unacked_delivered: delivered although never acknowledged (the client gave up or
sluice died before answering: allowed, at-least-once); peak_rss_mib: the highest VmRSS sampled
every 0.5 s (or VmHWM where noted) of the sluice process(es) of the case.

Durations are options with small defaults so the whole file fits CI's budget (about 4 minutes on
2 cores, most of it the 60 s overload case and two RabbitMQ start-ups).
"""

import argparse
import collections
import http.client
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import rabbitmq
from harness import KafkaMock, Sluice, cloudevent, curl, free_port, kafka_headers, wait_until

ARGS = None
MIB = 1 << 20


# ------------------------------------------------------------------------------------------------
# Reporting and measuring


def fault_line(case, **fields):
    """Prints the case's machine-readable result line (stdout, flushed: ctest -V shows it)."""
    line = "FAULT case=" + case + "".join(f" {name}={value}" for name, value in fields.items())
    print(line, flush=True)
    return line


class RssSampler:
    """Samples VmRSS of whatever process `pid_of()` names every `period` seconds; keeps the peak.
    Follows a restarted process (pid_of is asked each time)."""

    def __init__(self, pid_of, period=0.5):
        self.pid_of, self.period = pid_of, period
        self.peak_kib = 0
        self.samples = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while True:
            pid = self.pid_of()
            if pid:
                try:
                    with open(f"/proc/{pid}/status") as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                                self.samples += 1
                except (FileNotFoundError, ProcessLookupError):
                    pass
            if self.stopped.wait(self.period):  # the sampling period, not a synchronisation
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    @property
    def peak_mib(self):
        return round(self.peak_kib / 1024)


def sluice_pid(sluice):
    return sluice.process.pid if sluice.alive() else None


def component(sluice, name):
    return next(c for c in sluice.stats()["components"] if c["name"] == name)


# ------------------------------------------------------------------------------------------------
# Load


class Bench:
    """sluice-bench in the background with --json; result() waits for it and parses the report."""

    def __init__(self, *args, timeout=300):
        self.timeout = timeout
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.args = [ARGS.bench, "--json", *map(str, args)]
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)

    def result(self):
        out, _ = self.process.communicate(timeout=self.timeout)
        self.stderr.seek(0)
        log = self.stderr.read()
        self.stderr.close()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if not lines:
            raise AssertionError(f"sluice-bench printed no report (exit {self.process.returncode}): {log[-3000:]}")
        report = json.loads(lines[-1])
        report["log"] = log
        return report

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def verification(report):
    """The bench's verification block, with what explains an inconclusive one."""
    verify = report["verify"]
    return {k: verify.get(k) for k in ("acked", "seen", "missing", "duplicates", "unacked_seen", "skipped_offsets",
                                       "consumer_errors", "first_error", "complete", "missing_examples")}


def statuses(report):
    return {int(k): v for k, v in report["total"]["status"].items()}


class HttpLoad:
    """This file's own HTTP client, for cases that route by event type or check a durable queue:
    `threads` keep-alive connections POST batches with unique ids; it records which ids were
    acknowledged (200) and every status (0 = no answer: refused, reset, timed out)."""

    def __init__(self, port, prefix, threads=4, batch=20, event_type="com.example.fault", data_size=200,
                 timeout=30, pace=0.0):
        self.port, self.prefix, self.threads, self.batch = port, prefix, threads, batch
        self.event_type, self.data, self.timeout, self.pace = event_type, "x" * data_size, timeout, pace
        self.lock = threading.Lock()
        self.acked, self.sent = [], 0
        self.status = {}
        self.ok_times = []  # monotonic time of each 200
        self.stopped = threading.Event()
        self.workers = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self):
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stopped.set()
        for worker in self.workers:
            if worker.is_alive():
                worker.join(self.timeout + 10)

    def count(self, status):
        with self.lock:
            return self.status.get(status, 0)

    def run(self, worker):
        connection, seq = None, 0
        while not self.stopped.is_set():
            ids = [f"{self.prefix}-{worker}-{seq}-{i}" for i in range(self.batch)]
            seq += 1
            body = json.dumps([cloudevent(i, type=self.event_type, data=self.data) for i in ids])
            status = 0
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                connection.request("POST", "/", body, {"content-type": "application/cloudevents-batch+json"})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                if connection is not None:
                    connection.close()
                connection = None
            with self.lock:
                self.sent += len(ids)
                self.status[status] = self.status.get(status, 0) + 1
                if status == 200:
                    self.acked.extend(ids)
                    self.ok_times.append(time.monotonic())
            if status != 200 or self.pace:
                # Back off after a refusal (as a client honouring Retry-After would), or pace the
                # load; this is rate control, nothing waits on it for correctness.
                self.stopped.wait(self.pace or 0.05)
        if connection is not None:
            connection.close()


def ids_in_kafka(kafka, topic):
    """Event id -> number of copies in `topic` (structured format). Fails when the mock has dropped
    a partition's oldest messages (it keeps about 5 MiB per partition): ids missing from a truncated
    log say nothing about sluice."""
    copies = {}
    first_offsets = {}
    for message in kafka.consume(topic):
        partition, offset = message.get("partition"), message.get("offset", 0)
        first_offsets[partition] = min(offset, first_offsets.get(partition, offset))
        try:
            event_id = json.loads(message.get("payload") or "{}").get("id")
        except ValueError:
            continue
        copies[event_id] = copies.get(event_id, 0) + 1
    truncated = {partition: offset for partition, offset in first_offsets.items() if offset > 0}
    assert not truncated, (f"{topic}: the mock dropped the oldest messages (first offsets by partition: {truncated}); "
                           "the case wrote more than the mock keeps: give the topic more partitions")
    return copies


def wait_for_ids(read_copies, wanted, timeout=30):
    """Re-reads the destination until every id of `wanted` is there or `timeout` passes; returns the
    last id -> copies map."""
    copies = {}

    def all_there():
        nonlocal copies
        copies = read_copies()
        return all(i in copies for i in wanted)
    try:
        wait_until(all_there, timeout, "acknowledged ids in the destination")
    except TimeoutError:
        pass
    return copies


# ------------------------------------------------------------------------------------------------
# Configurations


def kafka_sink(name, bootstrap, topic, extra=""):
    return f"""
  {name}:
    type: kafka
    brokers: "{bootstrap}"
    topic: {topic}
    format: structured
{extra}"""


def pipeline_config(http_port, admin_port, sinks, routes, pipeline="", sources="", extra=""):
    return f"""
pipeline:
  workers: 2
  shutdown_timeout: 10s
{pipeline}
log: {{ level: info }}
admin: {{ listen: "127.0.0.1:{admin_port}" }}
sources:
  http:
    type: http
    listen: "127.0.0.1:{http_port}"
    max_body_bytes: 4MiB
{sources}
sinks:{sinks}
routes:
{routes}
{extra}
"""


def amqp_sink(name, port, exchange, declare="true"):
    return f"""
  {name}:
    type: amqp
    url: "amqp://guest@127.0.0.1:{port}/%2f"
    password: guest
    exchange: "{exchange}"
    declare_exchange: {declare}
    exchange_type: topic
    format: structured
    persistent: true
    mandatory: true
    unroutable: fail
    reconnect_backoff: 100ms
    reconnect_backoff_max: 1s
"""


class SluiceCase(unittest.TestCase):
    """Helpers shared by the cases: processes are stopped in reverse order of start."""

    def setUp(self):
        self.cleanups = []

    def tearDown(self):
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as error:  # one failed cleanup must not leak the other processes
                print(f"cleanup: {error!r}", file=sys.stderr)

    def kafka(self, **kwargs):
        kafka = KafkaMock(ARGS.kafka_mock, **kwargs)
        self.cleanups.append(kafka.stop)
        return kafka

    def sluice(self, config_text, admin_port):
        sluice = Sluice(ARGS.sluice, config_text)
        self.cleanups.append(sluice.stop)
        sluice.start(admin_port)
        return sluice

    def bench(self, *args, **kwargs):
        bench = Bench(*args, **kwargs)
        self.cleanups.append(bench.kill)
        return bench

    def wait_for_acks(self, sluice, sink, at_least=1, timeout=30):
        """Waits until `sink` of `sluice` has confirmed `at_least` events (load is flowing)."""
        wait_until(lambda: component(sluice, sink)["events_out"] >= at_least, timeout,
                   f"{at_least} events confirmed by {sink}")


# ------------------------------------------------------------------------------------------------
# kill -9, SIGTERM and overload against Kafka


class KafkaFaults(SluiceCase):
    def test_kill9_mid_load_then_restart_kafka(self):
        """SIGKILL sluice while sluice-bench loads it, restart it on the same config: every
        acknowledged id is in Kafka (the mock is its own process and outlives sluice)."""
        kafka = self.kafka(partitions=4, topics=("faults.kill9",))
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(http_port, admin_port, kafka_sink("kafka", kafka.bootstrap, "faults.kill9"),
                               "  - { name: all, to: [kafka] }")
        sluice = self.sluice(text, admin_port)
        with RssSampler(lambda: sluice_pid(sluice)) as rss:
            bench = self.bench("--url", f"http://127.0.0.1:{http_port}/", "-c", 8, "-b", 50, "--event-size", 300,
                               "-d", ARGS.load_seconds + 2, "--kafka-brokers", kafka.bootstrap,
                               "--kafka-topic", "faults.kill9", "--verify-timeout", 30)
            self.wait_for_acks(sluice, "kafka", 2000)
            sluice.kill9()
            sluice.start(admin_port)  # same ports, same config; the bench reconnects
            report = bench.result()
        self.assertTrue(sluice.alive())
        verify = report["verify"]
        fault_line("kill9-kafka", acked=verify["acked"], lost=verify["missing"], duplicated=verify["duplicates"],
                   unacked_delivered=verify["unacked_seen"], peak_rss_mib=rss.peak_mib,
                   reconnects=report["total"]["reconnects"], failed_requests=report["total"]["requests_failed"])
        self.assertGreater(verify["acked"], 2000)
        self.assertEqual(verify["missing"], 0, verification(report))
        self.assertTrue(verify["complete"], verify)
        self.assertGreater(report["total"]["reconnects"], 0, "the bench never saw the restart")
        self.assertEqual(sluice.terminate(), 0)

    def test_sigterm_under_load_drains_and_exits_zero(self):
        """SIGTERM while 8 connections load: exit 0 within shutdown_timeout; every 200 is in Kafka;
        every other answer is 503 or no answer (the listener closed)."""
        kafka = self.kafka(partitions=4, topics=("faults.sigterm",))
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(http_port, admin_port, kafka_sink("kafka", kafka.bootstrap, "faults.sigterm"),
                               "  - { name: all, to: [kafka] }", pipeline="  block_timeout: 2s")
        sluice = self.sluice(text, admin_port)
        with RssSampler(lambda: sluice_pid(sluice)) as rss:
            bench = self.bench("--url", f"http://127.0.0.1:{http_port}/", "-c", 8, "-b", 100, "--event-size", 300,
                               "-d", ARGS.load_seconds, "--kafka-brokers", kafka.bootstrap,
                               "--kafka-topic", "faults.sigterm", "--verify-timeout", 30)
            self.wait_for_acks(sluice, "kafka", 20000)
            started = time.monotonic()
            code = sluice.terminate(timeout=20)
            took = time.monotonic() - started
            report = bench.result()
        verify = report["verify"]
        answered = statuses(report)
        fault_line("sigterm", acked=verify["acked"], lost=verify["missing"], duplicated=verify["duplicates"],
                   unacked_delivered=verify["unacked_seen"], peak_rss_mib=rss.peak_mib, exit_code=code,
                   shutdown_s=f"{took:.2f}", statuses=json.dumps(answered, separators=(",", ":")),
                   no_answer_requests=report["total"]["requests_failed"])
        self.assertEqual(code, 0, sluice.stderr()[-2000:])
        self.assertLessEqual(took, 10 + 2, "exit took longer than shutdown_timeout (10 s) plus slack")
        self.assertEqual(set(answered) - {200, 503}, set(), answered)
        self.assertEqual(verify["missing"], 0, verification(report))
        self.assertGreater(verify["acked"], 0)

    def test_overload_for_a_minute(self):
        """400 connections of 1,000-event batches against a 32 MiB budget for 60 s (closed loop, as
        fast as the bench can) into a Kafka cluster 100 ms away (mock `rtt`): RSS stays under
        budget + overhead, p99 of accepted requests stays bounded, nothing acknowledged is lost,
        sluice answers afterwards.

        The round trip sets the sustainable rate (about budget / (RTT x bytes charged per event))
        far below what the bench can offer on the same two cores, so the offered load is well over
        10x what sluice can carry; without it the bench, the mock and sluice share the CPU and
        the offered load cannot rise above ~4x."""
        budget_mib, overhead_mib, block_timeout_s = 32, ARGS.rss_overhead_mib, 2
        # 16 partitions: the mock keeps ~5 MiB each, and the verifier must not fall behind that.
        kafka = self.kafka(partitions=16, topics=("faults.overload",))
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(http_port, admin_port, kafka_sink("kafka", kafka.bootstrap, "faults.overload"),
                               "  - { name: all, to: [kafka] }",
                               pipeline=f"  budget_bytes: {budget_mib}MiB\n  block_timeout: {block_timeout_s}s")
        sluice = self.sluice(text, admin_port)
        kafka.command(f"rtt -1 {ARGS.overload_kafka_rtt_ms}")
        with RssSampler(lambda: sluice_pid(sluice)) as rss:
            bench = self.bench("--url", f"http://127.0.0.1:{http_port}/", "-c", 400, "-b", 1000,
                               "--event-size", 200, "-d", ARGS.overload_seconds, "--max-backoff", ARGS.overload_backoff,
                               "--kafka-brokers", kafka.bootstrap, "--kafka-topic", "faults.overload",
                               "--sluice-pid", sluice.process.pid, "--verify-timeout", 60,
                               timeout=ARGS.overload_seconds + 200)
            report = bench.result()
        self.assertTrue(sluice.alive(), "sluice died under overload: " + sluice.stderr()[-2000:])
        status, body, _ = curl(f"http://127.0.0.1:{http_port}/", json.dumps(cloudevent("after-overload")),
                               "application/cloudevents+json")
        verify = report["verify"]
        total = report["total"]
        p99_s = report["latency"]["p99_us"] / 1e6
        offered = total["events_sent"] / max(report["measured_s"], 1e-9)
        # At several hundred thousand events/s for a minute the mock cluster (about 5 MiB kept per
        # partition) truncates its log faster than the verifier reads it: ids in truncated offsets
        # cannot be checked. Loss is asserted for every id the broker still held; the kill -9,
        # broker-down and SIGTERM cases verify every id at rates the mock can keep.
        unverifiable = min(verify["missing"], verify.get("skipped_offsets") or 0)
        fault_line("overload-60s", acked=verify["acked"], lost=verify["missing"] - unverifiable,
                   unverifiable_truncated=unverifiable, duplicated=verify["duplicates"],
                   unacked_delivered=verify["unacked_seen"], peak_rss_mib=rss.peak_mib,
                   vm_hwm_mib=round(report["sluice"]["vm_hwm_bytes"] / MIB), budget_mib=budget_mib,
                   rss_bound_mib=budget_mib + overhead_mib, p99_accepted_s=f"{p99_s:.3f}",
                   max_accepted_s=f"{report['latency']['max_us'] / 1e6:.3f}",
                   accepted_ev_per_s=round(report["events_per_s"]), offered_ev_per_s=round(offered),
                   offered_over_carried=f"{offered / max(report['events_per_s'], 1e-9):.1f}",
                   kafka_rtt_ms=ARGS.overload_kafka_rtt_ms,
                   statuses=json.dumps(statuses(report), separators=(",", ":")))
        self.assertEqual(status, 200, body)
        self.assertGreater(verify["acked"], 0)
        self.assertEqual(verify["missing"] - unverifiable, 0, verification(report))
        self.assertGreater(statuses(report).get(429, 0) + statuses(report).get(503, 0), 0,
                           "no backpressure seen: not an overload")
        self.assertLessEqual(rss.peak_mib, budget_mib + overhead_mib)
        self.assertLessEqual(report["sluice"]["vm_hwm_bytes"] / MIB, budget_mib + overhead_mib)
        self.assertLess(p99_s, 2 * block_timeout_s)
        self.assertEqual(sluice.terminate(), 0)


# ------------------------------------------------------------------------------------------------
# The Kafka cluster breaks: brokers down, request errors, a leader change


class KafkaBrokerFaults(SluiceCase):
    def test_brokers_down_request_errors_and_leader_change(self):
        """All brokers down for a while under load (sluice-kafka-mock `broker-down -1`): 429/503,
        RSS within the budget; then up again, Produce errors and a partition leader change:
        delivery resumes and every acknowledged event is in Kafka."""
        budget_mib, overhead_mib = 4, ARGS.rss_overhead_mib
        # 16 partitions and a fixed rate: the verifier consumes from the same (broken) cluster and
        # must stay within the mock's ~5 MiB per partition while it catches up after the outage.
        kafka = self.kafka(partitions=16, brokers=3, topics=("faults.brokers",))
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(
            http_port, admin_port,
            kafka_sink("kafka", kafka.bootstrap, "faults.brokers", "    delivery_timeout: 60s"),
            "  - { name: all, to: [kafka] }", pipeline=f"  budget_bytes: {budget_mib}MiB\n  block_timeout: 1s")
        sluice = self.sluice(text, admin_port)
        down_s = ARGS.broker_down_seconds
        with RssSampler(lambda: sluice_pid(sluice)) as rss:
            # 24 requests of 200 events (~1.3 KB each with the per-event overhead admission charges)
            # ask for more than the 4 MiB budget once nothing is confirmed.
            bench = self.bench("--url", f"http://127.0.0.1:{http_port}/", "-c", 24, "-b", 200, "--event-size", 300,
                               "-d", down_s + 8, "--rate", 20000, "--max-backoff", 0.2,
                               "--kafka-brokers", kafka.bootstrap,
                               "--kafka-topic", "faults.brokers", "--sluice-pid", sluice.process.pid,
                               "--verify-timeout", 60)
            self.wait_for_acks(sluice, "kafka", 2000)
            kafka.command("broker-down -1")
            down_at = time.monotonic()
            # While the cluster is down nothing is confirmed: the budget fills and clients are
            # pushed back. Wait for that to show in sluice's own counters, then keep it down.
            wait_until(lambda: component(sluice, "kafka")["inflight_bytes"] > 0, 10, "records held by the sink")
            wait_until(lambda: time.monotonic() - down_at >= down_s, down_s + 1, "the outage to last")
            confirmed_while_down = component(sluice, "kafka")["events_out"]
            kafka.command("broker-up -1")
            kafka.command("errors Produce 30 NOT_LEADER_FOR_PARTITION")
            kafka.command("leader faults.brokers 0 2")
            kafka.command("leader faults.brokers 1 3")
            wait_until(lambda: component(sluice, "kafka")["events_out"] > confirmed_while_down + 2000, 30,
                       "delivery to resume after the brokers came back")
            report = bench.result()
        verify = report["verify"]
        answered = statuses(report)
        hwm_mib = round(report["sluice"]["vm_hwm_bytes"] / MIB)
        fault_line("kafka-brokers-down", acked=verify["acked"], lost=verify["missing"],
                   duplicated=verify["duplicates"], unacked_delivered=verify["unacked_seen"],
                   peak_rss_mib=rss.peak_mib, vm_hwm_mib=hwm_mib, budget_mib=budget_mib, down_s=down_s,
                   statuses=json.dumps(answered, separators=(",", ":")), skipped_offsets=verify["skipped_offsets"])
        self.assertGreater(answered.get(429, 0) + answered.get(503, 0), 0, answered)
        self.assertLessEqual(hwm_mib, budget_mib + overhead_mib)
        self.assertEqual(verify["missing"], 0, verification(report))
        self.assertTrue(verify["complete"], verify)
        self.assertTrue(sluice.alive())
        self.assertEqual(sluice.terminate(), 0)


# ------------------------------------------------------------------------------------------------
# One sink stuck, the other healthy


Stuck = collections.namedtuple("Stuck", "healthy stuck sluice kafka_ok kafka_stuck peak_rss_mib "
                               "healthy_ok_while_stuck stats_while_stuck metrics_while_stuck "
                               "healthy_alone_per_s healthy_stuck_per_s")


class StuckSink(SluiceCase):
    def run_stuck(self, when_full):
        """Two Kafka clusters (two mock processes), two routes by event type; the `stuck` cluster
        is down from the start, under load, until its route's when_full policy has applied for
        --stuck-seconds; then it comes back and the load stops."""
        # Eight partitions: under `dead_letter` the stuck route's overflow (~470,000 events in one run
        # on 2 cores) outgrows what the mock keeps of two (ids_in_kafka fails if it does).
        kafka_ok = self.kafka(partitions=8, topics=("faults.healthy", "faults.dead"))
        kafka_stuck = self.kafka(partitions=2, topics=("faults.stuck",))
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(
            http_port, admin_port,
            kafka_sink("healthy", kafka_ok.bootstrap, "faults.healthy")
            # The stuck sink may hold a tenth of the budget: the stuck route's clients want more.
            + kafka_sink("stuck", kafka_stuck.bootstrap, "faults.stuck",
                         "    delivery_timeout: 60s\n    budget_share: 0.1"),
            f"""  - name: healthy
    where: "type = 'fault.healthy'"
    to: [healthy]
  - name: stuck
    where: "type = 'fault.stuck'"
    to: [stuck]
    when_full: {when_full}""",
            # A minute's block_timeout: a worker that waited for the stuck sink (instead of leaving
            # its records in the waiting room) would stop the healthy route for the whole case.
            pipeline="  budget_bytes: 8MiB\n  block_timeout: 60s",
            # Only `when_full: dead_letter` uses it: the stuck route's overflow goes to the healthy cluster.
            extra="dead_letter: { sink: healthy, topic: faults.dead }")
        sluice = self.sluice(text, admin_port)
        kafka_stuck.command("broker-down -1")
        healthy = HttpLoad(http_port, f"h-{when_full}", threads=2, batch=20, event_type="fault.healthy")
        # Under `block` the requests beyond the share and its waiting line get 503 at once; 24
        # clients are more than both hold. Under `drop` 12 are plenty (every request is answered).
        stuck = HttpLoad(http_port, f"s-{when_full}", threads=24 if when_full == "block" else 12, batch=100,
                         event_type="fault.stuck", data_size=1000)
        with RssSampler(lambda: sluice_pid(sluice)) as rss, healthy:
            # The healthy route alone first: its rate without interference, for comparison.
            alone_from = time.monotonic()
            wait_until(lambda: healthy.count(200) >= 50, 30, "the healthy route alone")
            healthy_alone_per_s = healthy.count(200) / (time.monotonic() - alone_from)
            stuck.__enter__()
            self.cleanups.append(stuck.stop)
            # The stuck sink's share fills first; from then on its policy applies.
            if when_full == "block":
                # More than the share and its waiting line hold: refused at once, long before the
                # block_timeout.
                wait_until(lambda: stuck.count(503) >= 5, 30, "503s on the stuck route")
                healthy_before = healthy.count(200)
                wait_until(lambda: healthy.count(200) - healthy_before >= 100, 30,
                           "the healthy route to keep flowing while the other sink is stuck")
            elif when_full == "dead_letter":
                wait_until(lambda: component(sluice, "pipeline")["dead_lettered"] > 0, 30,
                           "dead letters from the stuck route")
            else:
                # Drops are counted on the pipeline component (src/core/pipeline.cpp), not per sink.
                wait_until(lambda: component(sluice, "pipeline")["dropped"] > 0, 30, "drops on the stuck route")
            full_at = time.monotonic()
            healthy_ok_before = healthy.count(200)
            wait_until(lambda: time.monotonic() - full_at >= ARGS.stuck_seconds, ARGS.stuck_seconds + 1,
                       "load with the sink stuck")
            healthy_ok_while_stuck = healthy.count(200) - healthy_ok_before
            healthy_stuck_per_s = healthy_ok_while_stuck / (time.monotonic() - full_at)
            stats_while_stuck = component(sluice, "pipeline")
            metrics_while_stuck = sluice.metrics()
            # Healed before the load stops: requests whose records the stuck sink still holds are
            # waiting for delivery and get their answer now.
            kafka_stuck.command("broker-up -1")
            out_while_stuck = component(sluice, "stuck")["events_out"]
            wait_until(lambda: component(sluice, "stuck")["events_out"] > out_while_stuck, 60,
                       "the stuck sink to deliver after it came back")
            stuck.stop()
        wait_until(lambda: component(sluice, "stuck")["inflight_bytes"] == 0, 60, "the stuck sink to drain")
        return Stuck(healthy, stuck, sluice, kafka_ok, kafka_stuck, rss.peak_mib, healthy_ok_while_stuck,
                     stats_while_stuck, metrics_while_stuck, healthy_alone_per_s, healthy_stuck_per_s)

    def check_healthy_route(self, run):
        """The healthy route kept answering 200 while the other sink was stuck, never 503, and
        every one of its 200s is in its topic."""
        self.assertGreater(run.healthy_ok_while_stuck, 0, "the healthy route stopped while the other sink was stuck")
        self.assertEqual(set(run.healthy.status) - {200, 429}, set(), run.healthy.status)
        copies = wait_for_ids(lambda: ids_in_kafka(run.kafka_ok, "faults.healthy"), run.healthy.acked)
        missing = [i for i in run.healthy.acked if i not in copies]
        self.assertEqual(missing[:5], [])
        return copies

    def test_stuck_sink_blocks_its_route_and_the_healthy_route_flows(self):
        run = self.run_stuck("block")
        copies = self.check_healthy_route(run)
        # Every 200 of the stuck route (answered once the sink came back) is delivered.
        stuck_copies = wait_for_ids(lambda: ids_in_kafka(run.kafka_stuck, "faults.stuck"), run.stuck.acked)
        lost = [i for i in run.stuck.acked if i not in stuck_copies]
        fault_line("stuck-sink-block", acked=len(run.healthy.acked) + len(run.stuck.acked), lost=len(lost),
                   duplicated=sum(n - 1 for n in copies.values()) + sum(n - 1 for n in stuck_copies.values()),
                   unacked_delivered=len(set(stuck_copies) - set(run.stuck.acked)), peak_rss_mib=run.peak_rss_mib,
                   healthy_ok=run.healthy.count(200), healthy_ok_while_stuck=run.healthy_ok_while_stuck,
                   healthy_req_per_s_alone=round(run.healthy_alone_per_s),
                   healthy_req_per_s_while_stuck=f"{run.healthy_stuck_per_s:.1f}",
                   healthy_429=run.healthy.count(429), stuck_503=run.stuck.count(503), stuck_200=run.stuck.count(200))
        self.assertGreater(run.stuck.count(503), 0, run.stuck.status)
        self.assertEqual(lost[:5], [])
        self.assertTrue(run.sluice.alive())
        self.assertEqual(run.sluice.terminate(), 0)

    def test_stuck_sink_drops_when_full_and_counts_it(self):
        run = self.run_stuck("drop")
        copies = self.check_healthy_route(run)
        dropped_metric = sum(float(m.group(1)) for m in re.finditer(
            r'^sluice_events_dropped_total\{[^}]*component="pipeline"[^}]*\} (\S+)$', run.metrics_while_stuck, re.M))
        dropped_now = component(run.sluice, "pipeline")["dropped"]
        # Also counted on the sink whose share was full (and only there: the healthy sink drops none).
        self.assertEqual(component(run.sluice, "stuck")["dropped"], dropped_now)
        self.assertEqual(component(run.sluice, "healthy")["dropped"], 0)
        stuck_copies = ids_in_kafka(run.kafka_stuck, "faults.stuck")
        undelivered = [i for i in run.stuck.acked if i not in stuck_copies]
        healthy_lost = [i for i in run.healthy.acked if i not in copies]
        # Dropping by policy is the configured answer, not loss; loss is what no counter explains.
        unexplained = max(0, len(undelivered) - int(dropped_now))
        fault_line("stuck-sink-drop", acked=len(run.healthy.acked) + len(run.stuck.acked),
                   lost=len(healthy_lost) + unexplained,
                   duplicated=sum(n - 1 for n in copies.values()) + sum(n - 1 for n in stuck_copies.values()),
                   unacked_delivered=len(set(stuck_copies) - set(run.stuck.acked)),
                   peak_rss_mib=run.peak_rss_mib, healthy_ok=run.healthy.count(200),
                   healthy_ok_while_stuck=run.healthy_ok_while_stuck,
                   healthy_req_per_s_alone=round(run.healthy_alone_per_s),
                   healthy_req_per_s_while_stuck=f"{run.healthy_stuck_per_s:.1f}", stuck_200=run.stuck.count(200),
                   stuck_503=run.stuck.count(503), dropped_metric=int(dropped_now),
                   acked_not_delivered=len(undelivered))
        self.assertGreater(dropped_metric, 0, 'sluice_events_dropped_total{component="pipeline"} did not count')
        # /metrics was read just after /stats: the same counter, never lower.
        self.assertGreaterEqual(dropped_metric, run.stats_while_stuck["dropped"], "/metrics and /stats disagree")
        self.assertGreater(run.stuck.count(200), 0, run.stuck.status)
        self.assertEqual(run.stuck.count(503), 0, run.stuck.status)
        # An acknowledged event of the stuck route is delivered or was dropped by the policy and counted.
        self.assertLessEqual(len(undelivered), dropped_now)
        self.assertTrue(run.sluice.alive())
        self.assertEqual(run.sluice.terminate(), 0)

    def test_stuck_sink_sends_its_overflow_to_the_dead_letter(self):
        """`when_full: dead_letter`: once the stuck sink's share is full, its route's records go to
        the dead-letter destination (a topic on the healthy cluster) with the reason `sink_full`;
        every 200 of the stuck route is in its own topic or in the dead-letter topic."""
        run = self.run_stuck("dead_letter")
        copies = self.check_healthy_route(run)
        in_stuck = ids_in_kafka(run.kafka_stuck, "faults.stuck")
        dead = wait_for_ids(lambda: ids_in_kafka(run.kafka_ok, "faults.dead"),
                            [i for i in run.stuck.acked if i not in in_stuck])
        lost = [i for i in run.stuck.acked if i not in in_stuck and i not in dead]
        reasons = {kafka_headers(m).get("sluice_dlq_reason") for m in run.kafka_ok.consume("faults.dead")}
        dead_metric = sum(float(m.group(1)) for m in re.finditer(
            r'^sluice_dead_letter_records_total\{[^}]*reason="sink_full"[^}]*\} (\S+)$', run.sluice.metrics(), re.M))
        fault_line("stuck-sink-dead-letter", acked=len(run.healthy.acked) + len(run.stuck.acked), lost=len(lost),
                   duplicated=sum(n - 1 for n in copies.values()) + sum(n - 1 for n in in_stuck.values())
                   + sum(n - 1 for n in dead.values()),
                   peak_rss_mib=run.peak_rss_mib, healthy_ok_while_stuck=run.healthy_ok_while_stuck,
                   healthy_req_per_s_alone=round(run.healthy_alone_per_s),
                   healthy_req_per_s_while_stuck=f"{run.healthy_stuck_per_s:.1f}",
                   stuck_200=run.stuck.count(200), stuck_503=run.stuck.count(503),
                   in_stuck_topic=len(in_stuck), in_dead_letter_topic=len(dead), dead_letter_metric=dead_metric)
        self.assertGreater(len(dead), 0, "nothing reached the dead-letter topic")
        self.assertEqual(reasons, {"sink_full"})
        self.assertEqual(lost[:5], [])
        self.assertGreaterEqual(dead_metric, len(dead))
        self.assertTrue(run.sluice.alive())
        self.assertEqual(run.sluice.terminate(), 0)


# ------------------------------------------------------------------------------------------------
# RabbitMQ: kill -9 of sluice, and a broker restart


class RabbitMqFaults(SluiceCase):
    @classmethod
    def setUpClass(cls):
        assert rabbitmq.available(), "needs root, rabbitmq-server and amqp-tools (tools/dev installs them)"
        cls.rabbit = rabbitmq.RabbitMq()

    @classmethod
    def tearDownClass(cls):
        cls.rabbit.stop()

    def test_kill9_mid_load_then_restart_rabbitmq(self):
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(http_port, admin_port, amqp_sink("rabbit", self.rabbit.port, "faults.kill9"),
                               "  - { name: all, to: [rabbit] }")
        sluice = self.sluice(text, admin_port)
        with RssSampler(lambda: sluice_pid(sluice)) as rss:
            bench = self.bench("--url", f"http://127.0.0.1:{http_port}/", "-c", 8, "-b", 50, "--event-size", 300,
                               "-d", ARGS.load_seconds + 2, "--amqp-url", self.rabbit.url,
                               "--amqp-exchange", "faults.kill9", "--amqp-binding", "#", "--verify-timeout", 30)
            self.wait_for_acks(sluice, "rabbit", 1000)
            sluice.kill9()
            sluice.start(admin_port)
            report = bench.result()
        verify = report["verify"]
        fault_line("kill9-rabbitmq", acked=verify["acked"], lost=verify["missing"], duplicated=verify["duplicates"],
                   unacked_delivered=verify["unacked_seen"], peak_rss_mib=rss.peak_mib,
                   reconnects=report["total"]["reconnects"], failed_requests=report["total"]["requests_failed"])
        self.assertGreater(verify["acked"], 1000)
        self.assertEqual(verify["missing"], 0, verification(report))
        self.assertTrue(verify["complete"], verify)
        self.assertGreater(report["total"]["reconnects"], 0, "the bench never saw the restart")
        self.assertEqual(sluice.terminate(), 0)

    def test_rabbitmq_restart_under_load(self):
        """rabbitmq-server stopped and started again under load: no request is answered 200 while
        it is down (they wait, or get 503), delivery resumes, and every acknowledged event is in the
        durable queue (persistent messages, durable queue: the restart keeps them)."""
        queue = "faults.restart"
        self.rabbit.declare_durable_queue(queue)
        http_port, admin_port = free_port(), free_port()
        # The default exchange routes by queue name straight into the durable queue.
        text = pipeline_config(http_port, admin_port, amqp_sink("rabbit", self.rabbit.port, "", declare="false"),
                               f"  - {{ name: all, to: [rabbit], routing_key: {queue} }}",
                               pipeline="  budget_bytes: 16MiB\n  block_timeout: 1s")
        sluice = self.sluice(text, admin_port)
        # Paced so the queue holds a few thousand messages: amqp-consume reads them one by one.
        load = HttpLoad(http_port, "restart", threads=4, batch=20, pace=0.05)
        with RssSampler(lambda: sluice_pid(sluice)) as rss, load:
            wait_until(lambda: load.count(200) >= 100, 30, "acknowledged requests before the restart")
            self.rabbit.stop_server()
            stopped_at = time.monotonic()
            # Nothing can be confirmed now: the sink holds the records and their requests wait
            # (their clients are held back; with more load the budget would answer 429).
            wait_until(lambda: component(sluice, "rabbit")["inflight_bytes"] > 0, 30, "records held while down")
            restarting_at = time.monotonic()
            self.rabbit.start_server()
            restarted_at = time.monotonic()
            with load.lock:
                acked_while_down = sum(1 for t in load.ok_times if stopped_at < t < restarting_at)
            ok_before = load.count(200)
            wait_until(lambda: load.count(200) >= ok_before + 100, 60, "acknowledgements after the restart")
        wait_until(lambda: component(sluice, "rabbit")["inflight_bytes"] == 0, 60, "the sink to settle")
        bodies = self.rabbit.drain_queue(queue)
        copies = {}
        for body in bodies:
            event_id = json.loads(body).get("id")
            copies[event_id] = copies.get(event_id, 0) + 1
        lost = [i for i in load.acked if i not in copies]
        fault_line("rabbitmq-restart", acked=len(load.acked), lost=len(lost),
                   duplicated=sum(n - 1 for n in copies.values()),
                   unacked_delivered=len(set(copies) - set(load.acked)), peak_rss_mib=rss.peak_mib,
                   down_s=f"{restarted_at - stopped_at:.1f}", acked_while_down=acked_while_down,
                   statuses=json.dumps(load.status, separators=(",", ":")))
        self.assertEqual(lost[:5], [])
        self.assertEqual(acked_while_down, 0, "answered 200 while no broker could confirm")
        self.assertTrue(sluice.alive())
        self.assertEqual(sluice.terminate(), 0)


# ------------------------------------------------------------------------------------------------
# NATS JetStream source: nats-server restarted under load


class NatsRestart(SluiceCase):
    def start_nats(self, port, store):
        process = subprocess.Popen(["nats-server", "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", store],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return process

    def test_nats_server_restart_with_jetstream_source(self):
        """Messages published with a PubAck (sluice-bench --protocol nats --jetstream) while the
        NATS server restarts (same port and store): every one ends in Kafka after recovery."""
        kafka = self.kafka(partitions=4, topics=("faults.nats",))
        store = tempfile.mkdtemp(prefix="sluice-e2e-nats-")
        self.cleanups.append(lambda: shutil.rmtree(store, ignore_errors=True))
        port = free_port()
        url = f"nats://127.0.0.1:{port}"
        nats = [self.start_nats(port, store)]

        def stop_nats():
            if nats[0].poll() is None:
                nats[0].terminate()
                nats[0].wait(10)
        self.cleanups.append(stop_nats)
        create = [ARGS.nats_publish, "--url", url, "--subject", "faults.nats", "--count", "0", "--jetstream",
                  "--stream", "FAULTS"]
        wait_until(lambda: subprocess.run(create, capture_output=True).returncode == 0, 30, "nats-server")
        http_port, admin_port = free_port(), free_port()
        text = pipeline_config(http_port, admin_port, kafka_sink("kafka", kafka.bootstrap, "faults.nats"),
                               "  - { name: all, to: [kafka] }", sources=f"""
  nats:
    type: nats
    url: "{url}"
    jetstream:
      - stream: FAULTS
        durable: sluice
        payload: auto
""")
        sluice = self.sluice(text, admin_port)
        with RssSampler(lambda: sluice_pid(sluice)) as rss:
            bench = self.bench("--protocol", "nats", "--nats-url", url, "--subject", "faults.nats", "--jetstream",
                               "-c", 2, "--event-size", 300, "-d", ARGS.load_seconds + 4, "--rate", 4000,
                               "--kafka-brokers", kafka.bootstrap, "--kafka-topic", "faults.nats",
                               "--verify-timeout", 60)
            self.wait_for_acks(sluice, "kafka", 1000)
            stop_nats()
            nats[0] = self.start_nats(port, store)
            wait_until(lambda: subprocess.run(create, capture_output=True).returncode == 0, 30, "nats-server again")
            report = bench.result()
        verify = report["verify"]
        fault_line("nats-restart", acked=verify["acked"], lost=verify["missing"], duplicated=verify["duplicates"],
                   unacked_delivered=verify["unacked_seen"], peak_rss_mib=rss.peak_mib,
                   failed_publishes=report["total"]["requests_failed"])
        self.assertGreater(verify["acked"], 1000)
        self.assertEqual(verify["missing"], 0, verification(report))
        self.assertTrue(verify["complete"], verify)
        self.assertTrue(sluice.alive())
        self.assertEqual(sluice.terminate(), 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--kafka-mock", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--nats-publish", required=True)
    parser.add_argument("--load-seconds", type=float, default=4, help="load per kill/restart/SIGTERM case")
    parser.add_argument("--broker-down-seconds", type=float, default=5)
    parser.add_argument("--stuck-seconds", type=float, default=3, help="load after the stuck sink's share filled")
    parser.add_argument("--overload-seconds", type=float, default=60)
    parser.add_argument("--overload-kafka-rtt-ms", type=int, default=100,
                        help="round trip of the mock Kafka cluster in the overload case (sets the sustainable rate)")
    parser.add_argument("--overload-backoff", type=float, default=0.02,
                        help="overload clients retry a 429 after at most this (as BENCHMARKS.md's 10x run)")
    parser.add_argument("--rss-overhead-mib", type=int, default=96,
                        help="allowed RSS above budget_bytes (BENCHMARKS.md measures 57-79 MiB)")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
