"""The QMP client against a fake QEMU on a Unix socket."""
import json
import os
import socket
import tempfile
import threading
import unittest

from qmp import QMP, QMPError

GREETING = {'QMP': {'version': {}, 'capabilities': []}}
RESUME = {'timestamp': {'seconds': 1, 'microseconds': 0}, 'event': 'RESUME'}


def fake_qemu(path, first):
    """Listen on PATH; send the messages in FIRST, then answer one command."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)

    def serve():
        conn, _ = srv.accept()
        with conn:
            for msg in first:
                conn.sendall(json.dumps(msg).encode() + b'\n')
            if conn.makefile().readline():
                conn.sendall(b'{"return": {}}\n')
        srv.close()
    threading.Thread(target=serve, daemon=True).start()


class Greeting(unittest.TestCase):
    def connect(self, first):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'qmp.sock')
            fake_qemu(path, first)
            q = QMP(path)
            q.close()
            return q

    def test_event_before_greeting_is_kept(self):
        # CI, stop 26: QEMU sent RESUME before its greeting.
        q = self.connect([RESUME, GREETING])
        self.assertEqual([e['event'] for e in q.events], ['RESUME'])

    def test_greeting_first(self):
        self.assertEqual(self.connect([GREETING]).events, [])

    def test_no_greeting(self):
        with self.assertRaises(QMPError):
            self.connect([{'return': {}}])


if __name__ == '__main__':
    unittest.main()
