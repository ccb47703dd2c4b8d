"""The customer side of intake: the public complaint form, the signed status page, attachments."""
