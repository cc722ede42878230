"""
For the tests of a database whose host stops answering (test_database.py): a relay of connections, and the TCP
options a connection's socket has.
"""

import os
import socket
import socketserver
import threading


def relay(server_class, address, target):
    """
    Relays each connection made to `address` to `target`, a (host, port) or a Unix socket's path, from a thread of
    its own; returns the server, which shutdown() stops.
    """

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            with socket.socket(socket.AF_UNIX if isinstance(target, str) else socket.AF_INET) as upstream:
                upstream.connect(target)
                returning = threading.Thread(target=_pump, args=(upstream, self.request))
                returning.start()
                _pump(self.request, upstream)
                returning.join()

    server = server_class(address, Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _pump(source, target):
    """Passes on what `source` sends until it closes, then closes `target`'s side too."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:  # the other end has gone
        pass


def tcp_options(connection):
    """The keepalive and user-timeout options of a psycopg connection's socket, as the kernel has them."""
    with socket.socket(fileno=os.dup(connection.pgconn.socket)) as sock:  # a second descriptor, closed alone
        return {
            "keepalives": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "keepalives_idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "keepalives_interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "keepalives_count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
            "tcp_user_timeout": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
        }
