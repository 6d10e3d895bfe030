"""End to end: the dead-letter destination with the sluice binary, HTTP in, Kafka out.

Invalid events, template misses, unrouted events and records a sink refuses permanently (too
large for it) reach the dead-letter topic with their reason in headers; the valid events of the
same request are delivered, and the client is told how many were dead-lettered.
"""

import argparse
import json
import sys
import unittest

from harness import KafkaMock, Sluice, cloudevent, curl, free_port, kafka_headers

ARGS = None
DLQ = "sluice.dead-letter"


def config(http_port, admin_port, bootstrap):
    return f"""
pipeline: {{ workers: 2, shutdown_timeout: 10s }}
log: {{ level: info }}
admin: {{ listen: "127.0.0.1:{admin_port}" }}
sources:
  http: {{ type: http, listen: "127.0.0.1:{http_port}", max_body_bytes: 1MiB }}
sinks:
  kafka: {{ type: kafka, brokers: "{bootstrap}", topic: sluice.events }}
  small:
    type: kafka
    brokers: "{bootstrap}"
    topic: sluice.small
    properties: {{ message.max.bytes: "2000" }}
dead_letter: {{ sink: kafka, topic: {DLQ}, unrouted: true }}
routes:
  - name: big
    match: {{ type: [com.example.big] }}
    to: [small]
  - name: by-subject
    match: {{ type: [com.example.e2e] }}
    to: [kafka]
    topic: "sluice.{{subject}}"
"""


class DeadLetter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kafka = KafkaMock(ARGS.kafka_mock, topics=("sluice.events", "sluice.small", DLQ))
        cls.http_port, cls.admin_port = free_port(), free_port()
        cls.sluice = Sluice(ARGS.sluice, config(cls.http_port, cls.admin_port, cls.kafka.bootstrap)).start(
            cls.admin_port)
        cls.url = f"http://127.0.0.1:{cls.http_port}/"

    @classmethod
    def tearDownClass(cls):
        cls.sluice.stop()
        cls.kafka.stop()

    def test_a_batch_with_invalid_missing_and_unrouted_events(self):
        invalid = '{"specversion":"1.0","source":"/e2e","type":"com.example.e2e","subject":"events"}'
        body = ("[" + json.dumps(cloudevent("dl-ok", subject="events")) + "," + invalid + ","
                + json.dumps(cloudevent("dl-nosubject")) + "," + json.dumps(cloudevent("dl-other", type="x.y")) + "]")
        status, answer, _ = curl(self.url, body, "application/cloudevents-batch+json")
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer, {"accepted": 1, "filtered": 0, "dead_lettered": 3})

        delivered = [json.loads(m["payload"])["id"] for m in self.kafka.consume("sluice.events", expected=1)]
        self.assertIn("dl-ok", delivered)
        messages = self.kafka.consume(DLQ, expected=3)
        by_reason = {}
        for message in messages:
            headers = kafka_headers(message)
            by_reason.setdefault(headers.get("sluice_dlq_reason"), []).append((headers, message))
        raw = [m for h, m in by_reason.get("invalid", []) if m["payload"] == invalid]
        self.assertEqual(len(raw), 1, messages)  # the element's own bytes, as sent
        invalid_headers = [h for h, m in by_reason["invalid"] if m["payload"] == invalid][0]
        self.assertEqual(invalid_headers["sluice_dlq_detail"], "event 1: missing required attribute 'id'")
        self.assertEqual(invalid_headers["sluice_dlq_source"], "http")
        missing = [h for h, m in by_reason.get("missing_field", []) if json.loads(m["payload"])["id"] == "dl-nosubject"]
        self.assertEqual(len(missing), 1, messages)
        self.assertEqual(missing[0]["sluice_dlq_route"], "by-subject")
        self.assertIn("subject missing in event 2", missing[0]["sluice_dlq_detail"])
        unrouted = [m for h, m in by_reason.get("unrouted", []) if json.loads(m["payload"])["id"] == "dl-other"]
        self.assertEqual(len(unrouted), 1, messages)

    def test_a_malformed_body_goes_whole(self):
        body = '[{"id": "1" "type": "t"}]'
        status, answer, _ = curl(self.url, body, "application/cloudevents-batch+json")
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["dead_lettered"], 1)
        self.assertEqual(answer["accepted"], 0)
        payloads = [m["payload"] for m in self.kafka.consume(DLQ, expected=1) if m["payload"] == body]
        self.assertEqual(payloads, [body])

    def test_limits_still_answer_400(self):
        status, answer, _ = curl(self.url, "", "application/cloudevents+json")
        self.assertEqual(status, 400, answer)

    def test_a_record_the_sink_refuses_is_rerouted(self):
        big = cloudevent("dl-big", type="com.example.big", data={"pad": "x" * 4000})
        status, answer, _ = curl(self.url, json.dumps(big), "application/cloudevents+json")
        self.assertEqual(status, 200, answer)  # answered after the dead letter was confirmed
        found = []
        for message in self.kafka.consume(DLQ, expected=1, timeout=30):
            headers = kafka_headers(message)
            if headers.get("sluice_dlq_reason") == "sink_rejected" and json.loads(message["payload"])["id"] == "dl-big":
                found.append(headers)
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["sluice_dlq_sink"], "small")
        self.assertEqual(found[0]["sluice_dlq_route"], "big")
        metrics = self.sluice.metrics()
        self.assertIn('sluice_dead_letter_records_total{reason="sink_rejected"} 1', metrics)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--kafka-mock", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
