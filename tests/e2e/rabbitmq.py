"""A private RabbitMQ for e2e tests: Debian's rabbitmq-server with its own node name, ports, epmd
and temp dirs (as tests/support/rabbitmq_fixture.cpp does for the C++ tests). Root only."""

import os
import shutil
import signal
import subprocess
import tempfile

from harness import free_port, wait_until

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


def available():
    return os.access(SERVER, os.X_OK) and os.geteuid() == 0 and shutil.which("amqp-consume")


class RabbitMq:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sluice-e2e-rabbit-")
        self.port, self.dist_port, self.epmd_port = free_port(), free_port(), free_port()
        self.node = f"sluice-e2e-{os.getpid()}@localhost"
        for sub in ("home", "mnesia", "log"):
            os.makedirs(os.path.join(self.dir, sub))
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[].\n")
        for name in ("rabbitmq.conf", "rabbitmq-env.conf"):
            open(os.path.join(self.dir, name), "w").close()
        with open(os.path.join(self.dir, "advanced.config"), "w") as f:
            f.write("[].\n")
        self.env = dict(os.environ, HOME=f"{self.dir}/home", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                        RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                        RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(self.dist_port),
                        ERL_EPMD_PORT=str(self.epmd_port), ERL_EPMD_ADDRESS="127.0.0.1",
                        RABBITMQ_MNESIA_BASE=f"{self.dir}/mnesia", RABBITMQ_LOG_BASE=f"{self.dir}/log",
                        RABBITMQ_CONFIG_FILE=f"{self.dir}/rabbitmq.conf",
                        RABBITMQ_ADVANCED_CONFIG_FILE=f"{self.dir}/advanced.config",
                        RABBITMQ_CONF_ENV_FILE=f"{self.dir}/rabbitmq-env.conf",
                        RABBITMQ_ENABLED_PLUGINS_FILE=f"{self.dir}/enabled_plugins",
                        RABBITMQ_PID_FILE=f"{self.dir}/rabbitmq.pid",
                        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
        self.log = open(os.path.join(self.dir, "log", "server.out"), "a")
        self.epmd = subprocess.Popen(["/usr/bin/epmd", "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                     env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2f"
        self.server = None
        self.start_server()

    def start_server(self):
        """Starts the broker (again, after stop_server: same node, ports and mnesia dir, so durable
        exchanges, queues, bindings and persistent messages come back)."""
        self.server = subprocess.Popen([SERVER], env=self.env, stdout=self.log, stderr=self.log,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: self.server.poll() is not None or self.ctl("await_startup", timeout=30).returncode == 0,
                   120, "rabbitmq-server start-up")
        if self.server.poll() is not None:
            raise RuntimeError("rabbitmq-server exited during start-up")

    def stop_server(self, timeout=30):
        """Stops the broker only (epmd and the data stay), as an operator's restart would."""
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        # The Erlang VM may outlive the start script for a moment; the node is down once ctl says so.
        wait_until(lambda: self.ctl("status", timeout=10).returncode != 0, 30, "rabbitmq node to stop")

    def declare_durable_queue(self, queue, timeout=30):
        """A durable queue: it and its persistent messages survive a broker restart. Publish to it
        through the default exchange (exchange "", routing key = the queue's name): amqp-tools
        has no way to bind a durable queue to another exchange."""
        declared = subprocess.run(["amqp-declare-queue", "-u", self.url, "-q", queue, "-d"], capture_output=True,
                                  text=True, timeout=timeout)
        if declared.returncode != 0:
            raise RuntimeError(f"amqp-declare-queue {queue}: {declared.stderr}")

    def drain_queue(self, queue, timeout=120):
        """Every message body in `queue`, consumed (and acknowledged) until the queue is empty."""
        listed = self.ctl("list_queues", "name", "messages").stdout
        count = next((int(line.split("\t")[1]) for line in listed.splitlines()
                      if line.split("\t")[0] == queue), 0)
        if count == 0:
            return []
        out = subprocess.run(["amqp-consume", "-u", self.url, "-q", queue, "-c", str(count), "-p", "1000",
                              "--", "sh", "-c", "cat; echo"], capture_output=True, text=True, timeout=timeout)
        return [line for line in out.stdout.splitlines() if line.strip()]

    def ctl(self, *args, timeout=60):
        return subprocess.run([CTL, "-n", self.node, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def consume(self, exchange, routing_key, count, timeout=30):
        """Bodies of `count` messages from a fresh queue bound to exchange/routing_key."""
        process = subprocess.Popen(
            ["amqp-consume", "-u", self.url, "-e", exchange, "-r", routing_key, "-c", str(count),
             "--", "sh", "-c", "cat; echo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return process

    def stop(self):
        for process in (self.server, self.epmd):
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(20)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    try:
                        os.killpg(process.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    process.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
