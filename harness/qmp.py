"""A small QMP client (QEMU Machine Protocol), Python standard library only."""
import json
import socket
import time


class QMPError(Exception):
    pass


class QMP:
    """One QMP connection. Events that arrive while waiting for a reply are
    queued in self.events and returned by wait_event()."""

    def __init__(self, path, connect_timeout=10.0):
        deadline = time.monotonic() + connect_timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b''
        self.events = []
        # QEMU may send an event (RESUME as the guest starts) to a client
        # that connected early, before its greeting: keep it, read on.
        deadline = time.monotonic() + 30.0
        while True:
            greeting = self._read(deadline - time.monotonic())
            if 'event' not in greeting:
                break
            self.events.append(greeting)
        if 'QMP' not in greeting:
            raise QMPError('no QMP greeting, got %.200r' % (greeting,))
        self.execute('qmp_capabilities')

    def _read(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        while b'\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise QMPError('QMP connection closed')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def execute(self, command, timeout=60.0, **arguments):
        """Run a command; return its 'return' value or raise QMPError."""
        msg = {'execute': command}
        if arguments:
            msg['arguments'] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = self._read(deadline - time.monotonic())
            except socket.timeout:
                # A late reply would be taken for the next command's.
                self.close()
                raise QMPError('%s: no reply in %d s, connection closed' % (command, timeout))
            if 'event' in reply:
                self.events.append(reply)
            elif 'error' in reply:
                raise QMPError(reply['error'].get('desc', str(reply['error'])))
            else:
                return reply.get('return')

    def wait_event(self, name, timeout, **data):
        """Wait for event NAME whose data contains DATA; None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if ev['event'] == name and all(
                        ev.get('data', {}).get(k) == v for k, v in data.items()):
                    self.events.remove(ev)
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                self.events.append(self._read(left))
            except socket.timeout:
                return None

    def close(self):
        self.sock.close()
