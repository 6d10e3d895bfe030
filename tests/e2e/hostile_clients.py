"""Raw-socket HTTP clients that misbehave on purpose, for tests/e2e/test_hostile_input.py.

curl cannot trickle a header, hold a connection idle, send a truncated chunked body or bytes that
are not valid HTTP, so these speak HTTP/1.1 over a plain socket. Every wait has a deadline.
"""

import json
import select
import socket
import time


class Answer:
    """One HTTP response as read off the socket."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body        # bytes

    def json(self):
        return json.loads(self.body)

    def closes(self):
        return self.headers.get("connection", "").lower() == "close"

    def __repr__(self):
        return f"Answer({self.status}, {self.body[:200]!r})"


def connect(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def request_bytes(body, content_type="application/cloudevents+json", headers=(), path="/", chunked=False):
    """A POST request as bytes; `body` str or bytes. Chunked bodies are sent as one chunk."""
    if isinstance(body, str):
        body = body.encode()
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += list(headers)
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        payload = (f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n") if body else b"0\r\n\r\n"
    else:
        lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def read_answer(sock, timeout=10):
    """Reads one response; None when the server closes (or resets) without answering."""
    deadline = time.monotonic() + timeout
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = _recv(sock, deadline)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = _recv(sock, deadline)
        if not chunk:
            break
        rest += chunk
    return Answer(status, headers, rest[:length])


def _recv(sock, deadline):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("no answer before the deadline")
    sock.settimeout(remaining)
    try:
        return sock.recv(65536)
    except (ConnectionResetError, BrokenPipeError):
        return b""
    except socket.timeout:
        raise TimeoutError("no answer before the deadline") from None


def send_once(port, data, timeout=30, half_close=False):
    """Sends `data` on a new connection and reads one answer (None: closed without one)."""
    with connect(port, timeout) as s:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before it has read everything
        return read_answer(s, timeout)


def trickle(sock, data, interval, deadline):
    """Sends `data` one byte per `interval` until it is all sent, the server closes the connection,
    or `deadline` passes. Returns (bytes sent, True when the server closed or answered)."""
    sent = 0
    while sent < len(data) and time.monotonic() < deadline:
        try:
            sock.sendall(data[sent:sent + 1])
        except (BrokenPipeError, ConnectionResetError):
            return sent, True
        sent += 1
        if _readable(sock, interval):
            return sent, True
    return sent, False


def _readable(sock, wait):
    """True when the server wrote something or closed within `wait` seconds."""
    readable, _, _ = select.select([sock], [], [], wait)
    return bool(readable)


def wait_closed(sock, timeout):
    """Reads until the server closes; returns what it sent (b"" when it closed silently)."""
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        chunk = _recv(sock, deadline)
        if not chunk:
            return data
        data += chunk


def reset_peak_rss(pid):
    """Resets the process's VmHWM to its current RSS (Linux clear_refs "5"), so that each case's
    peak is its own. Returns False where the kernel does not allow it."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def parse_answer(data):
    """Parses the bytes of one response (as returned by wait_closed); None when empty."""
    if not data:
        return None

    class Buffer:
        def __init__(self, payload):
            self.payload = payload

        def recv(self, _):
            payload, self.payload = self.payload, b""
            return payload

        def settimeout(self, _):
            pass
    return read_answer(Buffer(data))
