import socket

import pytest


def test_it_refuses_connections_beyond_loopback():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="only connect to loopback"):
            s.connect(("192.0.2.10", 80))  # TEST-NET-1: refused before any packet
    finally:
        s.close()


def test_it_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket()
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
