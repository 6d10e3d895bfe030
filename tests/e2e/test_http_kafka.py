"""End to end: the sluice binary, HTTP in with curl, Kafka out (mock cluster in its own process)."""

import argparse
import json
import os
import shutil
import socket
import sys
import threading
import time
import unittest

from harness import KafkaMock, Sluice, cloudevent, curl, free_port, wait_until

ARGS = None


def config(http_port, admin_port, bootstrap, extra_pipeline="", extra_source="", extra_kafka="",
           topic="sluice.events", fmt="structured", console=False):
    sinks = f"""
  kafka:
    type: kafka
    brokers: "{bootstrap}"
    topic: {topic}
    format: {fmt}
{extra_kafka}"""
    to = "[kafka]"
    if console:
        sinks += """
  console:
    type: console
"""
        to = "[kafka, console]"
    return f"""
pipeline:
  workers: 2
  shutdown_timeout: 10s
{extra_pipeline}
log: {{ level: info }}
admin: {{ listen: "127.0.0.1:{admin_port}" }}
sources:
  http:
    type: http
    listen: "127.0.0.1:{http_port}"
    max_body_bytes: 1MiB
{extra_source}
sinks:{sinks}
routes:
  - name: all
    to: {to}
    key: "{{subject|}}"
"""


class HttpToKafka(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kafka = KafkaMock(ARGS.kafka_mock, topics=("sluice.events", "sluice.binary"))
        cls.http_port, cls.admin_port = free_port(), free_port()
        cls.sluice = Sluice(ARGS.sluice, config(cls.http_port, cls.admin_port, cls.kafka.bootstrap,
                                                console=True)).start(cls.admin_port)
        cls.url = f"http://127.0.0.1:{cls.http_port}/"

    @classmethod
    def tearDownClass(cls):
        try:
            cls.sluice.stop()
        finally:
            cls.kafka.stop()

    def in_kafka(self, ids, topic="sluice.events"):
        messages = self.kafka.consume(topic)
        by_id = {}
        for message in messages:
            payload = message.get("payload") or ""
            try:
                event_id = json.loads(payload).get("id")
            except ValueError:
                event_id = None
            headers = message.get("headers") or []
            header_map = dict(zip(headers[0::2], headers[1::2]))
            event_id = event_id or header_map.get("ce_id")
            by_id.setdefault(event_id, []).append((message, header_map))
        missing = [i for i in ids if i not in by_id]

        def arrived():
            nonlocal by_id, missing
            if not missing:
                return True
            fresh = self.in_kafka_once(topic)
            by_id = fresh
            missing = [i for i in ids if i not in by_id]
            return not missing
        try:
            wait_until(arrived, 20, f"ids {missing[:5]} in Kafka")
        except TimeoutError:
            pass
        self.assertEqual(missing, [], "acknowledged events missing from Kafka")
        return by_id

    def in_kafka_once(self, topic):
        by_id = {}
        for message in self.kafka.consume(topic):
            payload = message.get("payload") or ""
            headers = message.get("headers") or []
            header_map = dict(zip(headers[0::2], headers[1::2]))
            try:
                event_id = json.loads(payload).get("id")
            except ValueError:
                event_id = None
            event_id = event_id or header_map.get("ce_id")
            by_id.setdefault(event_id, []).append((message, header_map))
        return by_id

    def test_structured_mode(self):
        status, body, _ = curl(self.url, json.dumps(cloudevent("s-1", subject="vm-1")),
                               "application/cloudevents+json")
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"accepted": 1, "filtered": 0})
        found = self.in_kafka(["s-1"])
        message, headers = found["s-1"][0]
        self.assertEqual(message["key"], "vm-1")
        self.assertEqual(json.loads(message["payload"])["data"], {"n": "s-1"})
        self.assertIn("application/cloudevents+json", headers.get("content-type", ""))
        # The console sink printed it too.
        wait_until(lambda: '"s-1"' in self.sluice.stdout(), 10, "console output")

    def test_batch_mode(self):
        events = [cloudevent(f"b-{i}") for i in range(50)]
        status, body, _ = curl(self.url, json.dumps(events), "application/cloudevents-batch+json")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["accepted"], 50)
        self.in_kafka([f"b-{i}" for i in range(50)])

    def test_ndjson_mode(self):
        lines = "\n".join(json.dumps(cloudevent(f"n-{i}")) for i in range(10)) + "\n"
        status, body, _ = curl(self.url, lines, "application/x-ndjson")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["accepted"], 10)
        self.in_kafka([f"n-{i}" for i in range(10)])

    def test_binary_mode(self):
        status, body, _ = curl(self.url, '{"temperature": 21.5}', "application/json",
                               ["ce-specversion: 1.0", "ce-id: bin-1", "ce-source: /sensors/7",
                                "ce-type: com.example.reading", "ce-subject: room-3"])
        self.assertEqual(status, 200, body)
        found = self.in_kafka(["bin-1"])
        event = json.loads(found["bin-1"][0][0]["payload"])
        self.assertEqual(event["source"], "/sensors/7")
        self.assertEqual(event["data"], {"temperature": 21.5})

    def test_malformed_json_is_400_with_index_and_process_stays_healthy(self):
        status, body, _ = curl(self.url, '[{"specversion":"1.0","id":"x","source":"/a","type":"t"}, {"id": ',
                               "application/cloudevents-batch+json")
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"], "invalid_event")
        self.assertTrue(self.sluice.alive())

    def test_missing_attribute_names_the_event_index(self):
        events = [cloudevent("ok-1"), {"specversion": "1.0", "id": "x", "type": "t"}]
        status, body, _ = curl(self.url, json.dumps(events), "application/cloudevents-batch+json")
        self.assertEqual(status, 400, body)
        self.assertEqual(body["index"], 1)
        self.assertIn("source", body["reason"])

    def test_wrongly_typed_attribute_and_wrong_specversion(self):
        status, body, _ = curl(self.url, json.dumps(cloudevent("t-1", type=5)), "application/cloudevents+json")
        self.assertEqual(status, 400, body)
        status, body, _ = curl(self.url, json.dumps(cloudevent("t-2", specversion="0.3")),
                               "application/cloudevents+json")
        self.assertEqual(status, 400, body)
        self.assertIn("specversion", body["reason"])

    def test_oversized_body_is_413(self):
        big = json.dumps(cloudevent("big", data="x" * (2 << 20)))
        status, body, _ = curl(self.url, big, "application/cloudevents+json")
        self.assertEqual(status, 413, body)
        self.assertTrue(self.sluice.alive())

    def test_wrong_content_type_is_415(self):
        status, body, _ = curl(self.url, "hello", "text/plain")
        self.assertEqual(status, 415, body)

    def test_truncated_body_and_stalled_client_leave_the_process_healthy(self):
        for _ in range(20):
            with socket.create_connection(("127.0.0.1", self.http_port)) as s:
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\n"
                          b"Content-Length: 1000\r\n\r\n{\"specversion\":")
        status, body, _ = curl(self.url, json.dumps(cloudevent("after-truncation")), "application/cloudevents+json")
        self.assertEqual(status, 200, body)

    def test_flood_of_connections(self):
        sockets = []
        try:
            for _ in range(300):
                sockets.append(socket.create_connection(("127.0.0.1", self.http_port)))
            status, body, _ = curl(self.url, json.dumps(cloudevent("during-flood")), "application/cloudevents+json")
            self.assertEqual(status, 200, body)
        finally:
            for s in sockets:
                s.close()
        self.assertTrue(self.sluice.alive())

    def test_metrics_and_stats(self):
        curl(self.url, json.dumps(cloudevent("m-1")), "application/cloudevents+json")
        text = self.sluice.metrics()
        self.assertIn("sluice_events_received_total", text)
        self.assertIn('component="kafka"', text)
        stats = self.sluice.stats()
        names = {c["name"] for c in stats["components"]}
        self.assertTrue({"http", "kafka", "console"} <= names, names)


class OverloadAndRecovery(unittest.TestCase):
    """A broker that stops answering: 503s and 429s, then recovery; no acknowledged event lost."""

    def test_overload_then_recovery(self):
        kafka = KafkaMock(ARGS.kafka_mock, topics=("sluice.events",))
        http_port, admin_port = free_port(), free_port()
        sluice = Sluice(ARGS.sluice, config(
            http_port, admin_port, kafka.bootstrap,
            extra_pipeline="  budget_bytes: 256KiB\n  block_timeout: 500ms",
            extra_kafka="    delivery_timeout: 2s\n    properties: { message.timeout.ms: '2000', socket.timeout.ms: '1000' }"))
        url = f"http://127.0.0.1:{http_port}/"
        acked, statuses = [], {}
        try:
            sluice.start(admin_port)
            status, body, _ = curl(url, json.dumps(cloudevent("warm")), "application/cloudevents+json")
            self.assertEqual(status, 200, body)
            acked.append("warm")

            kafka.pause()  # the broker stops answering; nothing can be confirmed
            lock = threading.Lock()
            counter = iter(range(1_000_000))

            def client(stop_at):
                while time.monotonic() < stop_at:
                    with lock:
                        first = next(counter)
                    ids = [f"o-{first}-{i}" for i in range(40)]
                    events = [cloudevent(i, data="y" * 1000) for i in ids]
                    s, _, headers = curl(url, json.dumps(events), "application/cloudevents-batch+json", timeout=20)
                    with lock:
                        statuses[s] = statuses.get(s, 0) + 1
                        if s == 200:
                            acked.extend(ids)
                    if s == 429:
                        self.assertIn("retry-after", headers)
            stop_at = time.monotonic() + 5
            threads = [threading.Thread(target=client, args=(stop_at,)) for _ in range(12)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            # Budget spent by undeliverable requests: 429s; those requests timing out: 503s.
            self.assertGreater(statuses.get(429, 0), 0, statuses)
            self.assertGreater(statuses.get(503, 0), 0, statuses)
            self.assertTrue(sluice.alive())

            kafka.resume()
            def recovered():
                s, _, _ = curl(url, json.dumps(cloudevent(f"r-{time.monotonic()}")), "application/cloudevents+json")
                return s == 200
            wait_until(recovered, 60, "delivery to resume")
            status, body, _ = curl(url, json.dumps(cloudevent("after")), "application/cloudevents+json")
            self.assertEqual(status, 200, body)
            acked.append("after")

            seen = set()
            def all_seen():
                for message in kafka.consume("sluice.events"):
                    try:
                        seen.add(json.loads(message.get("payload") or "{}").get("id"))
                    except ValueError:
                        pass
                return all(i in seen for i in acked)
            try:
                wait_until(all_seen, 30, "acknowledged events in Kafka")
            except TimeoutError:
                pass
            missing = [i for i in acked if i not in seen]
            print(f"overload: statuses={statuses} acked={len(acked)} missing={len(missing)}", file=sys.stderr)
            self.assertEqual(missing, [])
            self.assertEqual(sluice.terminate(), 0)
        finally:
            sluice.stop()
            kafka.stop()


class Lifecycle(unittest.TestCase):
    def test_validate_reports_errors_with_file_line_and_key(self):
        import subprocess
        bad = Sluice(ARGS.sluice, "sinks:\n  kafka:\n    type: kafka\n    format: jsn\n")
        try:
            out = subprocess.run([ARGS.sluice, "validate", "-c", bad.config_path], capture_output=True, text=True)
            self.assertEqual(out.returncode, 1)
            self.assertIn(":4: sinks.kafka.format: 'jsn' is not one of structured, binary", out.stderr)
        finally:
            bad.stop()

    def test_a_tls_http_source_cannot_be_served_by_the_cleartext_multiplexed_port(self):
        import subprocess
        import tempfile
        certs = tempfile.mkdtemp(prefix="sluice-e2e-certs-")
        cert, key = os.path.join(certs, "server.pem"), os.path.join(certs, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
        text = f"""sinks:
  kafka: {{ type: kafka, brokers: embedded }}
sources:
  web:
    type: http
    listen: 127.0.0.1:0
    tls: {{ cert_file: {cert}, key_file: {key} }}
  rpc:
    type: grpc
    listen: 127.0.0.1:0
    multiplex: {{ listen: 127.0.0.1:0, http_source: web }}
"""
        bad = Sluice(ARGS.sluice, text)
        try:
            out = subprocess.run([ARGS.sluice, "validate", "-c", bad.config_path], capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(out.returncode, 1, out.stdout)
            self.assertIn("sources.rpc.multiplex.http_source: 'web' has tls", out.stderr)
        finally:
            bad.stop()
            shutil.rmtree(certs, ignore_errors=True)

    def test_default_config_is_valid(self):
        import subprocess
        out = subprocess.run([ARGS.sluice, "validate", "-c", ARGS.default_config], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_every_example_config_is_valid(self):
        import glob
        import subprocess
        examples = sorted(glob.glob(os.path.join(os.path.dirname(ARGS.default_config), "examples", "*.yaml")))
        self.assertGreaterEqual(len(examples), 3)
        env = dict(os.environ, SLUICE_INGEST_TOKEN="example-token")
        for example in examples:
            out = subprocess.run([ARGS.sluice, "validate", "-c", example], capture_output=True, text=True, env=env)
            self.assertEqual(out.returncode, 0, f"{example}: {out.stderr}")

    def test_default_config_runs_with_the_embedded_broker(self):
        """config/sluice.yaml on other ports: a curl gets 200 and the console shows the event."""
        with open(ARGS.default_config) as f:
            text = f.read()
        http_port, admin_port = free_port(), free_port()
        text = text.replace('"0.0.0.0:8080"', f'"127.0.0.1:{http_port}"').replace(
            '"0.0.0.0:9600"', f'"127.0.0.1:{admin_port}"').replace('"0.0.0.0:50051"', f'"127.0.0.1:{free_port()}"')
        sluice = Sluice(ARGS.sluice, text)
        try:
            sluice.start(admin_port)
            status, body, _ = curl(f"http://127.0.0.1:{http_port}/", json.dumps(cloudevent("default-1")),
                                   "application/cloudevents+json")
            self.assertEqual(status, 200, body)
            wait_until(lambda: '"default-1"' in sluice.stdout(), 10, "console output")
            self.assertIn("embedded", sluice.stderr())
            self.assertEqual(sluice.terminate(), 0)
        finally:
            sluice.stop()

    def test_sigterm_drains_and_exits_zero(self):
        kafka = KafkaMock(ARGS.kafka_mock, topics=("sluice.events",))
        http_port, admin_port = free_port(), free_port()
        sluice = Sluice(ARGS.sluice, config(http_port, admin_port, kafka.bootstrap))
        try:
            sluice.start(admin_port)
            results = []

            def post(i):
                results.append(curl(f"http://127.0.0.1:{http_port}/",
                                    json.dumps([cloudevent(f"t-{i}-{j}") for j in range(100)]),
                                    "application/cloudevents-batch+json")[0])
            threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            code = sluice.terminate()
            for t in threads:
                t.join()
            self.assertEqual(code, 0, sluice.stderr())
            # Every request that got 200 is in Kafka.
            ok = [i for i, s in enumerate(results) if s == 200]
            seen = {json.loads(m["payload"])["id"] for m in kafka.consume("sluice.events", expected=len(ok) * 100)}
            for status in results:
                # 0: the listener had already closed (connection refused) — never a 200 without delivery.
                self.assertIn(status, (200, 503, 0), results)
            self.assertGreaterEqual(len(seen), len(ok) * 100)
        finally:
            sluice.stop()
            kafka.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--kafka-mock", required=True)
    parser.add_argument("--default-config", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
