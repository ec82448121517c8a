#!/usr/bin/env python3
"""An HTTPS receiver for the webhook's TLS test (tests/test_tls.cpp).

tls_server.py PORT_FILE OUT_FILE CERT KEY [CLIENT_CA]

Listens on 127.0.0.1 (a free port, written to PORT_FILE once listening),
answers every POST with 200 and appends one JSON line per request to
OUT_FILE: the path, the body and the client certificate's common name. With
CLIENT_CA, a client certificate signed by it is required (mutual TLS).
"""
import http.server
import json
import os
import ssl
import sys

port_file, out_file, cert, key = sys.argv[1:5]
client_ca = sys.argv[5] if len(sys.argv) > 5 else None


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        peer = self.connection.getpeercert() or {}
        cn = [v for rdn in peer.get("subject", ()) for k, v in rdn if k == "commonName"]
        with open(out_file, "a") as f:
            f.write(json.dumps({"path": self.path, "body": body.decode(), "client": cn[0] if cn else ""}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if client_ca:
    ctx.load_verify_locations(client_ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
