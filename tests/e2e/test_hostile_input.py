"""End to end: hostile clients against the sluice binary (HTTP in, Kafka mock out).

Each case sends something a careless or malicious client might, asserts the documented answer,
then asserts the process is still healthy: /healthz answers 200, a valid POST gets 200 and its
event reaches Kafka, and the case's peak resident set (VmHWM, reset before each case) stays under

    budget_bytes + kFixedOverheadMiB + kParserBytesPerBodyByte x (the case's largest body)

kFixedOverheadMiB covers the binary, librdkafka, thread stacks and allocator slack (the idle
process sits at about 20 MiB). The last term is the JSON parser's structural index, which is not
charged to the budget: 4 bytes per structural character, so up to 4x a body made only of them
(measured: a 60 MiB `[0,0,...]` body peaks at ~320 MiB). Most cases send small bodies and are
held to budget + fixed overhead alone.

Every case prints one machine-readable line:
    HOSTILE case=<name> status=<answer> rss_mib=<VmHWM after the case>
where status is the HTTP status, `closed` (the connection was closed without an answer) or a
list of both for cases of several requests.

Timeouts in the configuration are short (header/body 1.5 s) so the file runs in well under 90 s;
the existing malformed-input, 413/415, stalled-client and 300-connection cases live in
test_http_kafka.py and are not repeated here.
"""

import argparse
import json
import sys
import time
import unittest
import urllib.request

from harness import KafkaMock, Sluice, cloudevent, free_port, wait_until
from hostile_clients import (connect, parse_answer, read_answer, request_bytes, reset_peak_rss, send_once,
                             trickle, wait_closed)

ARGS = None

kBudgetMiB = 64
kFixedOverheadMiB = 40
kParserBytesPerBodyByte = 4
kHeaderTimeout = 1.5
kBodyTimeout = 1.5
kMaxHeaderBytes = 8192
kMaxConnections = 20
kMaxBodyMiB = 60


def config(http_port, admin_port, bootstrap, max_connections=1000):
    return f"""
pipeline:
  workers: 2
  budget_bytes: {kBudgetMiB}MiB
  shutdown_timeout: 5s
log: {{ level: warn }}
admin: {{ listen: "127.0.0.1:{admin_port}" }}
sources:
  http:
    type: http
    listen: "127.0.0.1:{http_port}"
    max_body_bytes: {kMaxBodyMiB}MiB
    max_header_bytes: {kMaxHeaderBytes}
    max_connections: {max_connections}
    header_timeout: {int(kHeaderTimeout * 1000)}ms
    body_timeout: {int(kBodyTimeout * 1000)}ms
    idle_timeout: 5s
sinks:
  kafka:
    type: kafka
    brokers: "{bootstrap}"
    topic: sluice.events
"""


def structured(event):
    return request_bytes(json.dumps(event))


def tiny_events_batch(count):
    """A batch array of `count` minimal valid events (about 55 bytes each)."""
    one = b'{"specversion":"1.0","id":"1","source":"/","type":"t"}'
    return b"[" + b",".join([one] * count) + b"]"


class HostileClientBase(unittest.TestCase):
    """One sluice and one Kafka mock per class; helpers for the health check after each case."""

    max_connections = 1000

    @classmethod
    def setUpClass(cls):
        cls.kafka = KafkaMock(ARGS.kafka_mock, topics=("sluice.events",))
        cls.http_port, cls.admin_port = free_port(), free_port()
        cls.sluice = Sluice(ARGS.sluice, config(cls.http_port, cls.admin_port, cls.kafka.bootstrap,
                                                cls.max_connections)).start(cls.admin_port)
        print(f"HOSTILE case=baseline_{cls.__name__} status=idle rss_mib={cls.sluice.hwm_kib() / 1024:.1f}", flush=True)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.sluice.stop()
        finally:
            cls.kafka.stop()

    def setUp(self):
        reset_peak_rss(self.sluice.process.pid)

    def post(self, data, timeout=30):
        return send_once(self.http_port, data, timeout)

    def assert_healthy(self, case, status, body_bytes=0):
        """The process answers /healthz, accepts and delivers a valid event, and its peak RSS is
        within the bound of the module docstring (`body_bytes`: the case's largest body); then
        prints the case's summary line."""
        self.assertTrue(self.sluice.alive(), f"{case}: sluice exited: {self.sluice.stderr()[-2000:]}")
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/healthz", timeout=5) as r:
            self.assertEqual(r.status, 200)
        event_id = f"healthy-after-{case}"
        answer = self.post(structured(cloudevent(event_id)))
        self.assertIsNotNone(answer, f"{case}: no answer to a valid POST")
        self.assertEqual(answer.status, 200, f"{case}: {answer}")
        self.assertEqual(answer.json(), {"accepted": 1, "filtered": 0})

        def delivered():
            for message in self.kafka.consume("sluice.events"):
                try:
                    if json.loads(message.get("payload") or "{}").get("id") == event_id:
                        return True
                except ValueError:
                    pass
            return False
        wait_until(delivered, 20, f"{event_id} in Kafka")
        hwm_mib = self.sluice.hwm_kib() / 1024
        shown = ",".join(str(s) for s in status) if isinstance(status, list) else status
        print(f"HOSTILE case={case} status={shown} rss_mib={hwm_mib:.1f}", flush=True)
        bound_mib = kBudgetMiB + kFixedOverheadMiB + kParserBytesPerBodyByte * body_bytes / (1 << 20)
        self.assertLess(hwm_mib, bound_mib, f"{case}: peak RSS {hwm_mib:.0f} MiB over {bound_mib:.0f} MiB (budget "
                                            f"{kBudgetMiB} + overhead {kFixedOverheadMiB} + parser index)")


class HostileInput(HostileClientBase):
    # --- Slow clients ----------------------------------------------------------------------------

    def test_slowloris_header(self):
        """A header trickled one byte at a time never completes: the connection is closed, without an
        answer, once header_timeout has passed since it opened (the timeout is not reset per byte)."""
        header = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cloudevents+json\r\n" + \
            b"X-Padding: " + b"a" * 4096
        with connect(self.http_port) as s:
            opened = time.monotonic()
            _, ended = trickle(s, header, 0.05, opened + kHeaderTimeout + 5)
            self.assertTrue(ended, "a trickling client kept its connection past header_timeout + 5 s")
            answer = parse_answer(wait_closed(s, 5))
            elapsed = time.monotonic() - opened
        self.assertIsNone(answer, "the header timeout closes silently")
        self.assertLess(elapsed, kHeaderTimeout + 5)
        self.assert_healthy("slowloris_header", "closed")

    def test_slowloris_body(self):
        """A body trickled one byte at a time: 408 once body_timeout has passed, and the connection is
        closed; the budget it held is released."""
        body = json.dumps(cloudevent("slow-body", data="z" * 2000)).encode()
        with connect(self.http_port) as s:
            s.sendall(request_bytes(body)[:-len(body)])  # the whole header, no body yet
            started = time.monotonic()
            _, ended = trickle(s, body, 0.05, started + kBodyTimeout + 5)
            self.assertTrue(ended, "a trickling body was not cut off by body_timeout")
            answer = parse_answer(wait_closed(s, 5))
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 408, answer)
        self.assertIn("body_timeout", answer.json()["reason"])
        self.assertTrue(answer.closes())
        self.assert_healthy("slowloris_body", 408)

    # --- Oversized headers -----------------------------------------------------------------------

    def test_huge_header_field(self):
        """One header field larger than max_header_bytes: 431 and the connection is closed."""
        answer = self.post(request_bytes("{}", headers=[f"X-Huge: {'h' * (kMaxHeaderBytes * 4)}"]))
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 431, answer)
        self.assertIn("max_header_bytes", answer.json()["reason"])
        self.assertTrue(answer.closes())
        self.assert_healthy("huge_header_field", 431)

    def test_many_header_fields(self):
        """Thousands of small header fields adding up past max_header_bytes: 431 as well."""
        answer = self.post(request_bytes("{}", headers=[f"X-F{i}: v" for i in range(5000)]))
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 431, answer)
        self.assert_healthy("many_header_fields", 431)

    def test_huge_ce_header_in_binary_mode(self):
        """A binary-mode attribute header over the limit: 431 before any attribute is looked at."""
        answer = self.post(request_bytes("{}", "application/json",
                                         ["ce-specversion: 1.0", "ce-id: 1", "ce-source: /a", "ce-type: t",
                                          f"ce-subject: {'s' * (kMaxHeaderBytes * 2)}"]))
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 431, answer)
        self.assert_healthy("huge_ce_header", 431)

    # --- JSON that is valid but hostile ------------------------------------------------------------

    def test_deep_json_nesting_in_data(self):
        """data nested 300 deep (over the limit of 256): 400 naming the depth."""
        body = '{"specversion":"1.0","id":"deep","source":"/a","type":"t","data":' + "[" * 300 + "]" * 300 + "}"
        answer = self.post(request_bytes(body))
        self.assertEqual(answer.status, 400, answer)
        self.assertIn("deeper than 256", answer.json()["reason"])
        self.assert_healthy("deep_nesting_300", 400)

    def test_very_deep_json_nesting(self):
        """Nesting 200,000 deep (a stack-exhaustion attempt) in data and in an extension: 400 each."""
        deep = "[" * 200_000 + "]" * 200_000
        statuses = []
        for where in ("data", "myext"):
            body = '{"specversion":"1.0","id":"deeper","source":"/a","type":"t","' + where + '":' + deep + "}"
            answer = self.post(request_bytes(body))
            self.assertEqual(answer.status, 400, answer)
            self.assertEqual(answer.json()["error"], "invalid_event")
            statuses.append(answer.status)
        self.assert_healthy("deep_nesting_200000", statuses)

    def test_duplicate_attributes_in_structured_event(self):
        """The same attribute twice in one structured event, and the same extension twice: 400."""
        statuses = []
        for body in ('{"specversion":"1.0","id":"a","id":"b","source":"/a","type":"t"}',
                     '{"specversion":"1.0","id":"a","source":"/a","type":"t","ext1":"x","ext1":"y"}'):
            answer = self.post(request_bytes(body))
            self.assertEqual(answer.status, 400, answer)
            self.assertIn("duplicate attribute", answer.json()["reason"])
            statuses.append(answer.status)
        self.assert_healthy("duplicate_attributes", statuses)

    def test_integer_extension_out_of_range(self):
        """Integer extensions must fit 32 bits (CloudEvents type system): 2^31 is a 400 naming it."""
        for value in (2 ** 31, -(2 ** 31) - 1, 10 ** 30):
            body = json.dumps(cloudevent("int-range", myint=value))
            answer = self.post(request_bytes(body))
            self.assertEqual(answer.status, 400, answer)
            self.assertIn("myint", answer.json()["reason"])
        answer = self.post(request_bytes(json.dumps(cloudevent("int-edge", myint=2 ** 31 - 1))))
        self.assertEqual(answer.status, 200, answer)
        self.assert_healthy("integer_extension_out_of_range", 400)

    def test_huge_numbers_in_data_are_forwarded_verbatim(self):
        """Numbers in data are checked by JSON grammar only: a 400-digit integer and 1e999 are data,
        accepted and forwarded byte for byte (never rounded through a double)."""
        big = "9" * 400
        body = ('{"specversion":"1.0","id":"huge-numbers","source":"/a","type":"t",'
                '"datacontenttype":"application/json","data":{"big":' + big + ',"exp":1e999,"neg":-1e-999}}')
        answer = self.post(request_bytes(body))
        self.assertEqual(answer.status, 200, answer)

        def forwarded():
            for message in self.kafka.consume("sluice.events"):
                payload = message.get("payload") or ""
                if '"huge-numbers"' in payload:
                    return payload
            return None
        payload = wait_until(forwarded, 20, "huge-numbers in Kafka")
        self.assertIn('"big":' + big, payload)
        self.assertIn('"exp":1e999', payload)
        self.assert_healthy("huge_numbers_in_data", 200)

    # --- Bytes that are not text -----------------------------------------------------------------

    def test_invalid_utf8_in_structured_attribute_and_data(self):
        """Invalid UTF-8 anywhere in a JSON body (attribute or data string): 400 (RFC 8259)."""
        statuses = []
        for body in (b'{"specversion":"1.0","id":"\xc3\x28","source":"/a","type":"t"}',
                     b'{"specversion":"1.0","id":"u","source":"/a","type":"t","data":{"s":"\xed\xa0\x80"}}',
                     b'{"specversion":"1.0","id":"u","source":"/a","type":"t","data":"\xff\xfe"}'):
            answer = self.post(request_bytes(body))
            self.assertEqual(answer.status, 400, answer)
            self.assertEqual(answer.json()["error"], "invalid_event")
            statuses.append(answer.status)
        self.assert_healthy("invalid_utf8_json", statuses)

    def test_invalid_utf8_in_binary_mode_header(self):
        """A ce-* header whose percent-decoded value is not UTF-8 (an overlong '/'): 400 naming it."""
        answer = self.post(request_bytes("{}", "application/json",
                                         ["ce-specversion: 1.0", "ce-id: 1", "ce-source: %C0%AF", "ce-type: t"]))
        self.assertEqual(answer.status, 400, answer)
        self.assertIn("ce-source", answer.json()["reason"])
        self.assert_healthy("invalid_utf8_ce_header", 400)

    def test_binary_data_that_is_not_utf8_is_opaque(self):
        """Binary mode with a non-JSON content type: the body is opaque data, invalid UTF-8 and NUL
        bytes included; it is accepted and reaches Kafka unchanged."""
        data = b"\xff\x00\xfe raw \x00 bytes \xc3\x28"
        answer = self.post(request_bytes(data, "application/octet-stream",
                                         ["ce-specversion: 1.0", "ce-id: opaque-1", "ce-source: /bin", "ce-type: t"]))
        self.assertEqual(answer.status, 200, answer)
        self.assert_healthy("binary_non_utf8_data", 200)

    def test_nul_bytes(self):
        """A raw NUL inside a JSON string is a control character: 400. Escaped (\\u0000) it is valid
        JSON but not a valid attribute value: 400 naming the attribute. A NUL in a header line is
        malformed HTTP: 400."""
        answer = self.post(request_bytes(b'{"specversion":"1.0","id":"n\x00ul","source":"/a","type":"t"}'))
        self.assertEqual(answer.status, 400, answer)
        raw_status = answer.status
        answer = self.post(request_bytes(b'{"specversion":"1.0","id":"nul-escaped\\u0000","source":"/a","type":"t"}'))
        self.assertEqual(answer.status, 400, answer)
        self.assertIn("'id'", answer.json()["reason"])
        escaped_status = answer.status
        answer = self.post(request_bytes("{}", "application/json",
                                         ["ce-specversion: 1.0", "ce-id: a\x00b", "ce-source: /a", "ce-type: t"]))
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 400, answer)
        self.assert_healthy("nul_bytes", [raw_status, escaped_status, answer.status])

    # --- Size and count limits -------------------------------------------------------------------

    def test_million_tiny_events_over_the_event_limit(self):
        """A 53 MB batch of 1,000,000 minimal events (within max_body_bytes and the budget, over
        max_events_per_batch = 10,000): 400 naming the limit, decided at the 10,001st event."""
        body = tiny_events_batch(1_000_000)
        answer = self.post(request_bytes(body, "application/cloudevents-batch+json"), timeout=60)
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 400, answer)
        self.assertIn("max_events_per_batch", answer.json()["reason"])
        self.assertEqual(answer.json()["index"], 10_000)
        self.assert_healthy("million_tiny_events", 400, len(body))

    def test_structurally_dense_body(self):
        """A body at max_body_bytes made only of tiny JSON values (`[0,0,0,...]`, one structural
        character every second byte), which makes the JSON parser's index as large as it gets:
        400 at the first element, and the process's peak stays within the stated bound."""
        count = (kMaxBodyMiB << 20) // 2 - 1
        body = b"[" + b"0," * (count - 1) + b"0]"
        answer = self.post(request_bytes(body, "application/cloudevents-batch+json"), timeout=60)
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 400, answer)
        self.assertEqual(answer.json()["index"], 0)
        self.assert_healthy("structurally_dense_body", 400, len(body))

    def test_empty_bodies(self):
        """An empty body: 400 in structured and batch mode (there is no event or array); in NDJSON
        mode a body without lines is a batch of zero events (by design, as `[]` is in batch mode):
        200 with nothing accepted."""
        statuses = []
        for content_type in ("application/cloudevents+json", "application/cloudevents-batch+json"):
            answer = self.post(request_bytes(b"", content_type))
            self.assertEqual(answer.status, 400, f"{content_type}: {answer}")
            self.assertEqual(answer.json()["error"], "invalid_event")
            self.assertIn("empty", answer.json()["reason"])
            statuses.append(answer.status)
        answer = self.post(request_bytes(b"", "application/x-ndjson"))
        self.assertEqual(answer.status, 200, answer)
        self.assertEqual(answer.json(), {"accepted": 0, "filtered": 0})
        statuses.append(answer.status)
        self.assert_healthy("empty_body", statuses)

    # --- Broken framing --------------------------------------------------------------------------

    def test_truncated_chunked_body(self):
        """A chunked body whose sender stops (half-closes) before the last chunk: the connection is
        closed without an answer and nothing is delivered; one that stalls instead gets 408."""
        head = request_bytes(b"", chunked=True)[:-len(b"0\r\n\r\n")]
        partial = head + b"40\r\n" + b'{"specversion":"1.0","id":"truncated-chunked","source":"/a"'
        answer = send_once(self.http_port, partial, timeout=10, half_close=True)
        self.assertIsNone(answer, "a truncated chunked body is not answered")

        with connect(self.http_port) as s:
            s.sendall(partial)
            stalled = parse_answer(wait_closed(s, kBodyTimeout + 10))
        self.assertIsNotNone(stalled)
        self.assertEqual(stalled.status, 408, stalled)
        consumed = [m.get("payload") or "" for m in self.kafka.consume("sluice.events")]
        self.assertFalse(any("truncated-chunked" in p for p in consumed))
        self.assert_healthy("truncated_chunked_body", ["closed", 408])

    def test_malformed_chunk_size(self):
        """A chunk size that is not hexadecimal: 400 malformed body, connection closed."""
        head = request_bytes(b"", chunked=True)[:-len(b"0\r\n\r\n")]
        answer = send_once(self.http_port, head + b"zz\r\n{}\r\n0\r\n\r\n", timeout=10)
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 400, answer)
        self.assertTrue(answer.closes())
        self.assert_healthy("malformed_chunk_size", 400)

    def test_garbage_instead_of_http(self):
        """Bytes that are not an HTTP request at all: 400 malformed request, connection closed."""
        answer = send_once(self.http_port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) +
                           b"\r\n\r\n", timeout=10)
        self.assertIsNotNone(answer)
        self.assertEqual(answer.status, 400, answer)
        self.assertTrue(answer.closes())
        self.assert_healthy("garbage_request", 400)


class ConnectionLimit(HostileClientBase):
    """max_connections idle connections held open, then more: the extra ones are answered 503 and
    closed, the held ones are still served."""

    max_connections = kMaxConnections

    def test_idle_connections_up_to_and_beyond_max_connections(self):
        held = [connect(self.http_port) for _ in range(kMaxConnections)]
        try:
            extra_statuses = []
            for _ in range(10):
                with connect(self.http_port) as s:
                    answer = read_answer(s, 10)
                    self.assertIsNotNone(answer, "an extra connection was closed without an answer")
                    self.assertEqual(answer.status, 503, answer)
                    self.assertIn("max_connections", answer.json()["reason"])
                    self.assertIn("retry-after", answer.headers)
                    extra_statuses.append(answer.status)
            # A held connection is still served (within header_timeout of its opening).
            event_id = "served-while-full"
            held[0].sendall(structured(cloudevent(event_id)))
            answer = read_answer(held[0], 10)
            self.assertIsNotNone(answer)
            self.assertEqual(answer.status, 200, answer)
        finally:
            for s in held:
                s.close()
        # Once they are gone, new connections are accepted again (the health check opens one).
        wait_until(lambda: self._accepts(), 10, "a new connection to be served after the held ones closed")
        self.assert_healthy("idle_connections_beyond_max", [extra_statuses[0], 200])

    def _accepts(self):
        answer = send_once(self.http_port, structured(cloudevent(f"probe-{time.monotonic()}")), timeout=5)
        return answer is not None and answer.status == 200


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--kafka-mock", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
