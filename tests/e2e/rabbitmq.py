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
        log = open(os.path.join(self.dir, "log", "server.out"), "a")
        self.epmd = subprocess.Popen(["/usr/bin/epmd", "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                     env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.server = subprocess.Popen([SERVER], env=self.env, stdout=log, stderr=log,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2f"
        wait_until(lambda: self.server.poll() is not None or self.ctl("await_startup", timeout=30).returncode == 0,
                   120, "rabbitmq-server start-up")
        if self.server.poll() is not None:
            raise RuntimeError("rabbitmq-server exited during start-up")

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
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(20)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    try:
                        os.killpg(process.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
