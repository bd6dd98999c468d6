"""A real SMTP server for the tests (aiosmtpd): stores each message it accepts as a file.

Usage: sink.py DIR PORT

* Each accepted message goes to DIR/NNNNNN.eml (written aside, then renamed, so a reader never
  sees half a file).
* DIR/answer, when present, holds the reply to give to DATA instead of accepting, e.g.
  "451 4.3.0 Try again later" or "550 5.1.1 No such user"; it is read for every message, so a
  test can make the relay fail for a while and then recover.
* DIR/delay, when present, holds seconds to wait before answering DATA.
Prints "ready" once listening.
"""
import asyncio
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        delay = read(os.path.join(self.folder, "delay"))
        if delay:
            await asyncio.sleep(float(delay))
        answer = read(os.path.join(self.folder, "answer"))
        if answer:
            return answer
        with self.lock:
            self.count += 1
            n = self.count
        name = os.path.join(self.folder, f"{n:06d}.eml")
        with open(name + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        return "250 2.0.0 OK stored"


def main():
    folder, port = sys.argv[1], int(sys.argv[2])
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Store(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
