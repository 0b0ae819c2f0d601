# An SMTP sink for the e-mail channel's tests: aiosmtpd (a real SMTP
# server) on loopback, optionally offering STARTTLS (required) and LOGIN or
# PLAIN authentication (only after STARTTLS). Its configuration comes as one
# JSON line on standard input; it prints "READY" once it listens, then one
# JSON line per message it takes, read back with Python's own e-mail
# parser; it stops when standard input closes.
import email
import json
import ssl
import sys
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cfg = json.loads(sys.stdin.readline())


class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        plain = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        print(json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "in_reply_to": str(msg["in-reply-to"]),
            "references": str(msg["references"]),
            "date": str(msg["date"]),
            "types": [p.get_content_type() for p in msg.walk()],
            "text": plain.get_content() if plain else None,
            "html": html.get_content() if html else None,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }), flush=True)
        return "250 2.0.0 queued"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == cfg.get("user")
        and auth_data.password.decode() == cfg.get("password")
    )
    return AuthResult(success=ok, handled=False)


tls = None
if cfg.get("cert"):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cfg["cert"], cfg["key"])

controller = Controller(
    Handler(),
    hostname="127.0.0.1",
    port=cfg["port"],
    server_hostname="localhost",
    tls_context=tls,
    require_starttls=tls is not None,
    authenticator=authenticate if cfg.get("user") else None,
    auth_require_tls=True,
)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
