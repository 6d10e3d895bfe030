"""End to end: the sluice binary, HTTP in with curl, RabbitMQ (Debian's rabbitmq-server) out."""

import argparse
import json
import sys
import threading
import time
import unittest

import rabbitmq
from harness import Sluice, cloudevent, curl, free_port, wait_until

ARGS = None


class HttpToRabbitMq(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # tools/dev installs rabbitmq-server and amqp-tools and CI runs as root: absent is a failure.
        assert rabbitmq.available(), "needs root, rabbitmq-server and amqp-tools (tools/dev installs them)"
        cls.rabbit = rabbitmq.RabbitMq()
        cls.http_port, cls.admin_port = free_port(), free_port()
        cls.sluice = Sluice(ARGS.sluice, f"""
pipeline: {{ workers: 2 }}
admin: {{ listen: "127.0.0.1:{cls.admin_port}" }}
sources:
  http: {{ type: http, listen: "127.0.0.1:{cls.http_port}" }}
sinks:
  rabbit:
    type: amqp
    url: "amqp://guest@127.0.0.1:{cls.rabbit.port}/%2f"
    password: guest
    exchange: cloudstack-events
    exchange_type: topic
    format: structured
    mandatory: true
    unroutable: fail
routes:
  - name: cloudstack
    where: "type LIKE 'org.apache.cloudstack.%' AND DATA('status') = 'Completed'"
    to: [rabbit]
    routing_key: "{{source}}.{{ext.category|*}}.{{ext.eventtype|*}}.{{ext.resourcetype|*}}.{{subject|*}}"
""").start(cls.admin_port)
        cls.url = f"http://127.0.0.1:{cls.http_port}/"

    @classmethod
    def tearDownClass(cls):
        try:
            cls.sluice.stop()
        finally:
            cls.rabbit.stop()

    def event(self, event_id, status="Completed", eventtype="VM-CREATE"):
        return cloudevent(event_id, type="org.apache.cloudstack.ActionEvent", source="ms1",
                          subject=f"uuid-{event_id}", category="ActionEvent", eventtype=eventtype,
                          resourcetype="VirtualMachine",
                          data={"event": "VM.CREATE", "status": status, "entityuuid": f"uuid-{event_id}"})

    def test_routed_by_cloudstack_keys_filtered_by_status_and_acknowledged_after_confirm(self):
        consumer = self.rabbit.consume("cloudstack-events", "ms1.ActionEvent.VM-CREATE.*.*", 3)
        # The consumer's queue must exist before publishing: wait until the binding is visible.
        wait_until(lambda: "ms1.ActionEvent.VM-CREATE" in self.rabbit.ctl("list_bindings").stdout, 30,
                   "the consumer's binding")
        events = [self.event("c-1"), self.event("c-2", status="Started"), self.event("c-3"),
                  self.event("c-4", eventtype="VM-DESTROY"), self.event("c-5")]
        # c-4 is routable only if something is bound for VM-DESTROY: bind one more consumer.
        destroy = self.rabbit.consume("cloudstack-events", "*.*.VM-DESTROY.#", 1)
        wait_until(lambda: "VM-DESTROY" in self.rabbit.ctl("list_bindings").stdout, 30, "second binding")
        status, body, _ = curl(self.url, json.dumps(events), "application/cloudevents-batch+json")
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"accepted": 4, "filtered": 1})
        out, _ = consumer.communicate(timeout=30)
        ids = [json.loads(line)["id"] for line in out.splitlines() if line.strip()]
        self.assertEqual(sorted(ids), ["c-1", "c-3", "c-5"])
        out, _ = destroy.communicate(timeout=30)
        self.assertEqual(json.loads(out.strip())["id"], "c-4")

    def test_unroutable_with_mandatory_fails_the_request(self):
        status, body, _ = curl(self.url, json.dumps(self.event("u-1", eventtype="NOBODY-BOUND")),
                               "application/cloudevents+json")
        self.assertEqual(status, 503, body)
        self.assertIn("unroutable", body["reason"])

    def test_memory_alarm_holds_the_answer_until_it_clears(self):
        consumer = self.rabbit.consume("cloudstack-events", "#", 1)
        wait_until(lambda: "\t#\t" in self.rabbit.ctl("list_bindings").stdout, 30, "catch-all binding")
        self.assertEqual(self.rabbit.ctl("set_vm_memory_high_watermark", "0").returncode, 0)
        answer = {}
        try:
            def post():
                answer["result"] = curl(self.url, json.dumps(self.event("alarm-1")),
                                        "application/cloudevents+json", timeout=60)
                answer["at"] = time.monotonic()
            thread = threading.Thread(target=post)
            thread.start()

            def rabbit_holds_it():
                sinks = [c for c in self.sluice.stats()["components"] if c["name"] == "rabbit"]
                return sinks and sinks[0]["inflight_bytes"] > 0
            wait_until(rabbit_holds_it, 30, "the event to wait in the blocked sink")
            self.assertFalse(answer, "answered while the broker's memory alarm blocks publishing")
        finally:
            cleared_at = time.monotonic()
            self.assertEqual(self.rabbit.ctl("set_vm_memory_high_watermark", "0.4").returncode, 0)
        thread.join(90)
        self.assertEqual(answer["result"][0], 200, answer["result"])
        self.assertGreater(answer["at"], cleared_at)  # answered only after publishing could resume
        out, _ = consumer.communicate(timeout=30)
        self.assertIn("alarm-1", out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
