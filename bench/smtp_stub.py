"""A local SMTP server for tests and the load script, on 127.0.0.1 only: it accepts mail, or refuses it.

``SmtpStub().start()`` listens on a free port; ``refusing = True`` answers every connection with
``421`` (service not available), as a mail server that is down or overloaded does. Accepted
messages are kept, parsed, in ``received``. ``hold_data = True`` takes a message and never answers,
as a server that hangs mid-delivery (``holding`` is set then).
"""

import email
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        stub: SmtpStub = self.server.stub
        if stub.refusing:
            self.reply("421 4.3.2 Service not available, try again later")
            return
        self.reply("220 stub ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 stub")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go ahead")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                if stub.hold_data:  # never answer: the sender hangs until it gives up or dies
                    stub.holding.set()
                    stub.release.wait()
                    return
                with stub.lock:
                    stub.received.append(email.message_from_bytes(b"".join(data)))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SmtpStub:
    """A threaded SMTP server on 127.0.0.1 (see the module docstring)."""

    def __init__(self) -> None:
        self.refusing = False
        self.hold_data = False  # True: take a message's data and never answer (a hanging server)
        self.holding = threading.Event()  # set once a message is being held
        self.release = threading.Event()
        self.received: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.stub = self
        self.port = self.server.server_address[1]

    def start(self) -> "SmtpStub":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def recipients(self) -> list[str]:
        """The To: address of every message received, in order."""
        return [message["To"] for message in self.received]
