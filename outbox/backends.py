"""The console mail backend of `make run`, readable: UTF-8 as it is, not quoted-printable."""

import email.policy

from django.core.mail.backends import console

# utf8: headers as typed (no =?utf-8?q?…?=); the long line limit keeps bodies 8-bit too
# (Python switches to quoted-printable for lines over max_line_length).
READABLE = email.policy.default.clone(utf8=True, max_line_length=10_000)


class EmailBackend(console.EmailBackend):
    def write_message(self, message):
        self.stream.write(message.message(policy=READABLE).as_bytes().decode())
        self.stream.write("\n" + "-" * 79 + "\n")
