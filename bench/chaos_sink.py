"""The chaos run's mail server: a real SMTP server in its own process, so it can be killed and
started again on the same port. Each accepted message is appended to a log (Message-ID, recipient)
before the server answers, so the log counts what the server took, whatever the client heard.

    python -m bench.chaos_sink --port 2525 --log received.tsv --delay 0.02
"""

import argparse
import asyncio
import time
from email.parser import BytesHeaderParser
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, log_path: str, delay: float) -> None:
        self.log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
        self.delay = delay
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # A little latency, as a real server has, keeps batches in flight when a fault strikes.
        await asyncio.sleep(self.delay)
        headers = self.parser.parsebytes(envelope.original_content or envelope.content)
        message_id = str(headers.get("Message-ID", "")).strip()
        for recipient in envelope.rcpt_tos:
            self.log.write(f"{message_id}\t{recipient}\t{time.time():.3f}\n")
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    controller = Controller(Recorder(args.log, args.delay), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("sink ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
