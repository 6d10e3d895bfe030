"""Processes for end-to-end tests: the sluice binary, the mock Kafka cluster tool, kafkacat.

Everything binds 127.0.0.1, is started with a deadline-bounded readiness wait, and is stopped
by PID when the test ends.
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what):
    """Polls `predicate` until true or `timeout` seconds pass (a condition with a deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


class KafkaMock:
    """tools/kafka_mock: a librdkafka mock cluster in its own process."""

    def __init__(self, binary, partitions=2, topics=("sluice.events",), brokers=1, exit_on_eof=True):
        args = [binary, "--partitions", str(partitions), "--brokers", str(brokers)]
        for topic in topics:
            args += ["--topic", topic]
        if exit_on_eof:
            args.append("--exit-on-eof")
        # stdin carries fault commands (see command()), and with exit_on_eof its end stops the
        # mock, so a test killed by a timeout does not leave it running. stderr goes to a file so
        # that the mock's log never fills a pipe nobody reads.
        self.log = tempfile.NamedTemporaryFile(prefix="sluice-e2e-kafka-mock-", suffix=".log")
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                        text=True, bufsize=1)
        line = self.process.stdout.readline().strip()
        if not line.startswith("bootstrap="):
            self.stop()
            raise RuntimeError(f"kafka mock did not print its bootstrap address: {line!r}")
        self.bootstrap = line.split("=", 1)[1]

    def command(self, line):
        """Sends one fault command (tools/kafka_mock/fault_commands.hpp) and returns its answer;
        raises when the mock answers `error: ...`."""
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"kafka mock: {line!r} -> {answer!r}")
        return answer

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:  # the mock is gone and the pipe broken: nothing left to flush
                pass
        self.log.close()

    def consume(self, topic, expected=None, timeout=30):
        """All messages of `topic` as kafkacat -J dicts; waits until at least `expected` arrive."""
        def read():
            out = subprocess.run(
                ["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-o", "beginning", "-e", "-J", "-q"],
                capture_output=True, text=True, timeout=60)
            return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        if expected is None:
            return read()
        result = []

        def enough():
            nonlocal result
            result = read()
            return len(result) >= expected
        try:
            wait_until(enough, timeout, f"{expected} messages in {topic}")
        except TimeoutError:
            pass
        return result


class Sluice:
    """The sluice binary on a generated configuration."""

    def __init__(self, binary, config_text, name="sluice"):
        self.dir = tempfile.TemporaryDirectory(prefix="sluice-e2e-")
        self.config_path = os.path.join(self.dir.name, f"{name}.yaml")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.stdout_path = os.path.join(self.dir.name, "stdout")
        self.stderr_path = os.path.join(self.dir.name, "stderr")
        self.binary = binary
        self.process = None

    def start(self, admin_port, timeout=30):
        """Starts the binary and waits for /readyz; may be called again after the process died
        (a restart on the same configuration: the logs are appended to)."""
        self.admin_port = admin_port
        with open(self.stdout_path, "a") as out, open(self.stderr_path, "a") as err:
            self.process = subprocess.Popen([self.binary, "run", "-c", self.config_path], stdout=out, stderr=err)
        wait_until(lambda: self.process.poll() is not None or self.ready(), timeout, "sluice /readyz")
        if self.process.poll() is not None:
            raise RuntimeError(f"sluice exited with {self.process.returncode}: {self.stderr()}")
        return self

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/readyz", timeout=2) as r:
                return r.status == 200
        except Exception:
            return False

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/stats", timeout=5) as r:
            return json.loads(r.read())

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/metrics", timeout=5) as r:
            return r.read().decode()

    def rss_kib(self):
        return self.status_kib("VmRSS")

    def hwm_kib(self):
        """VmHWM: the process's peak resident set since it started."""
        return self.status_kib("VmHWM")

    def status_kib(self, field):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except FileNotFoundError:  # exited meanwhile
            pass
        return 0

    def kill9(self):
        """SIGKILL: no drain, no flush (a crash); returns once the process is gone."""
        self.process.kill()
        self.process.wait()

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def stdout(self):
        with open(self.stdout_path) as f:
            return f.read()

    def terminate(self, timeout=30):
        """SIGTERM and wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        return self.process.returncode

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.dir.cleanup()


def kafka_headers(message):
    """The headers of a kcat -J message as a dict (kcat lists them flat: name, value, ...)."""
    flat = message.get("headers") or []
    return dict(zip(flat[0::2], flat[1::2]))


def curl(url, body, content_type=None, headers=(), timeout=30):
    """POSTs with curl; returns (status, parsed JSON body or text, headers dict)."""
    args = ["curl", "-s", "-S", "-i", "--max-time", str(timeout), "-X", "POST", url, "--data-binary", "@-"]
    if content_type:
        args += ["-H", f"content-type: {content_type}"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(args, input=body.encode() if isinstance(body, str) else body,
                         capture_output=True, timeout=timeout + 5)
    text = out.stdout.decode(errors="replace")
    if not text.startswith("HTTP/"):
        return 0, out.stderr.decode(errors="replace"), {}  # no answer (refused, reset, timed out)
    head, _, payload = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    response_headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        response_headers[name.strip().lower()] = value.strip()
    try:
        parsed = json.loads(payload)
    except ValueError:
        parsed = payload
    return status, parsed, response_headers


def cloudevent(event_id, **extra):
    event = {"specversion": "1.0", "id": event_id, "source": "/e2e", "type": "com.example.e2e",
             "datacontenttype": "application/json", "data": {"n": event_id}}
    event.update(extra)
    return event
