"""Headers every outgoing message carries, written as mail servers and every decoder expect.

- `Date:` (RFC 5322 requires it; some relays add one, others reject or score the message);
- `Message-ID:` on a domain of ours (MAIL_DOMAIN, else BASE_URL's host), not a made-up one;
- `Subject:` encoded here. Python 3.11's folder may end an encoded word just before a space
  and start the next line with another encoded word: RFC 2047 decoders then drop that
  space (« Clas éx– jeudi »). `Subject` below encodes the whole text with
  `email.header.Header`, where each space travels inside an encoded word (`_`), so no
  decoder can lose it.
"""

from __future__ import annotations

from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import current_app

from clas_local.text import one_line

MAX_LINE = 78
# Q encoding (« R=C3=A9union_de_suivi ») rather than base64: the words stay legible in logs.
_UTF8_Q = Charset("utf-8")
_UTF8_Q.header_encoding = QP


def mail_domain() -> str:
    domain = current_app.config.get("MAIL_DOMAIN") or urlsplit(current_app.config["BASE_URL"]).hostname or ""
    return domain.encode("idna").decode("ascii") if domain else "localhost"


def message_id() -> str:
    return make_msgid(domain=mail_domain())


class Subject(str):
    """A subject that folds itself: the text as `str`, `fold()` the encoded header line.

    The e-mail policy calls `fold` on a header value that has a `name` (email.policy.EmailPolicy._fold)."""

    name = "Subject"

    def __new__(cls, text: str):
        return super().__new__(cls, one_line(text))

    def fold(self, *, policy) -> str:
        text = str.__str__(self)
        charset = "us-ascii" if text.isascii() else _UTF8_Q
        encoded = Header(text, charset, maxlinelen=MAX_LINE, header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"

    def __str__(self) -> str:
        return str.__str__(self)


def set_common_headers(message: EmailMessage, subject: str) -> None:
    """Subject, Date and Message-ID (From and To are the caller's)."""
    message["Subject"] = Subject(subject)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id()
