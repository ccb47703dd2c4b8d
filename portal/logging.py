"""Log filters that keep the logs about what needs a person.

- A refused request (403, 404, 405 …) is an ordinary answer, not a fault: one line, no traceback.
- /health/ answering 503 is its job while something is down (and during start-up); the health
  view logs the cause itself, once, as a warning. Repeating every probe as an error buried the
  real errors (a load balancer probes every few seconds).
"""

import logging

HEALTH_PATH = "/health/"


class OrdinaryRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        if path == HEALTH_PATH or (not path and HEALTH_PATH in record.getMessage()):
            return False
        if status is not None and 400 <= int(status) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
