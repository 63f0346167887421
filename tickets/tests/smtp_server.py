"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): it keeps what it receives, or refuses it."""

import email
import email.policy

from aiosmtpd.controller import Controller

from project.tests.gunicorn_server import free_port


class Mailbox:
    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.refuse:
            return "550 Mailbox unavailable"
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def start(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
