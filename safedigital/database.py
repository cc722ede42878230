"""
The check Django's connection pool makes of a PostgreSQL connection before it hands it to a request or to /healthz.
"""

import os
import socket
from contextlib import contextmanager, suppress

from psycopg_pool import ConnectionPool

# Linux's; elsewhere libpq's tcp_user_timeout does nothing either, and the check is left as it is.
TCP_USER_TIMEOUT = getattr(socket, "TCP_USER_TIMEOUT", None)


def check_connection(connection, *, timeout):
    """
    The pool's own check (an empty query) with at most `timeout` seconds for the server to acknowledge it. When the
    database's host has vanished, the query would wait for the connection's tcp_user_timeout (10 s, settings.py:
    long enough to ride out a lost packet or two in a visitor's query). A check loses nothing by giving up sooner:
    the pool closes the connection and hands out another, or makes one; and /healthz, which gets its connection
    through this check, answers 503 within HEALTHZ_DATABASE_TIMEOUT, before a load balancer's probe gives up.
    """
    with _tcp_user_timeout(connection, timeout):
        ConnectionPool.check_connection(connection)


@contextmanager
def _tcp_user_timeout(connection, seconds):
    """The connection's TCP user timeout at most `seconds` while the block runs; then as it was."""
    # A second descriptor of psycopg's socket, which closing leaves open.
    with socket.socket(fileno=os.dup(connection.pgconn.socket)) as sock:
        if TCP_USER_TIMEOUT is None or sock.family == socket.AF_UNIX:
            yield
            return
        milliseconds = round(seconds * 1000)
        before = sock.getsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT)
        if 0 < before <= milliseconds:
            yield
            return
        sock.setsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT, milliseconds)
        try:
            yield
        finally:
            with suppress(OSError):  # a connection the timeout broke
                sock.setsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT, before)
