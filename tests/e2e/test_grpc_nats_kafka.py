"""End to end: the sluice binary with gRPC and NATS JetStream sources, Kafka (mock cluster) out.

The clients are the project's own tools (sluice-grpc-publish, sluice-nats-publish); NATS is
Debian's nats-server with JetStream, on a free port and a temp store.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import KafkaMock, Sluice, free_port, wait_until

ARGS = None


class GrpcAndNatsToKafka(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kafka = KafkaMock(ARGS.kafka_mock, topics=("from.grpc", "from.nats"))
        cls.store = tempfile.mkdtemp(prefix="sluice-e2e-nats-")
        cls.nats_port = free_port()
        cls.nats = subprocess.Popen(["nats-server", "-js", "-a", "127.0.0.1", "-p", str(cls.nats_port),
                                     "-sd", cls.store], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.nats_url = f"nats://127.0.0.1:{cls.nats_port}"
        # The stream exists before sluice binds its consumer to it.
        publish = [ARGS.nats_publish, "--url", cls.nats_url, "--subject", "aporeto.events", "--count", "0",
                   "--jetstream", "--stream", "APORETO"]
        wait_until(lambda: subprocess.run(publish, capture_output=True).returncode == 0, 30, "nats-server")
        cls.grpc_port, cls.http_port, cls.admin_port = free_port(), free_port(), free_port()
        cls.sluice = Sluice(ARGS.sluice, f"""
pipeline: {{ workers: 2 }}
admin: {{ listen: "127.0.0.1:{cls.admin_port}" }}
sources:
  http: {{ type: http, listen: "127.0.0.1:{cls.http_port}" }}
  grpc: {{ type: grpc, listen: "127.0.0.1:{cls.grpc_port}" }}
  nats:
    type: nats
    url: "{cls.nats_url}"
    jetstream:
      - stream: APORETO
        durable: sluice
        payload: auto
sinks:
  kafka: {{ type: kafka, brokers: "{cls.kafka.bootstrap}", topic: from.grpc }}
routes:
  - name: nats
    where: "source LIKE 'nats%' OR type LIKE '%nats%'"
    to: [kafka]
    topic: from.nats
  - name: rest
    to: [kafka]
""").start(cls.admin_port)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.sluice.stop()
        finally:
            cls.kafka.stop()
            cls.nats.terminate()
            cls.nats.wait(10)
            shutil.rmtree(cls.store, ignore_errors=True)

    def count(self, topic):
        return len(self.kafka.consume(topic))

    def test_grpc_stream_batches_are_acknowledged_and_in_kafka(self):
        out = subprocess.run([ARGS.grpc_publish, "--target", f"127.0.0.1:{self.grpc_port}", "--streams", "2",
                              "--batch", "50", "--count", "2000", "--event-size", "300"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        wait_until(lambda: self.count("from.grpc") >= 2000, 30, "2000 gRPC events in Kafka")

    def test_grpc_unary_calls(self):
        before = self.count("from.grpc")
        out = subprocess.run([ARGS.grpc_publish, "--target", f"127.0.0.1:{self.grpc_port}", "--mode", "unary",
                              "--streams", "2", "--batch", "20", "--count", "200"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        wait_until(lambda: self.count("from.grpc") >= before + 200, 30, "200 more gRPC events in Kafka")

    def test_jetstream_messages_reach_kafka(self):
        out = subprocess.run([ARGS.nats_publish, "--url", self.nats_url, "--subject", "aporeto.events",
                              "--count", "500", "--jetstream", "--format", "structured"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        wait_until(lambda: self.count("from.nats") + self.count("from.grpc") >= 500, 60,
                   "500 JetStream messages in Kafka")
        self.assertTrue(self.sluice.alive())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--kafka-mock", required=True)
    parser.add_argument("--grpc-publish", required=True)
    parser.add_argument("--nats-publish", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
