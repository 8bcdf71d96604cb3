"""kombu's file broker (the embedded default's queue, `make demo`) with messages that appear whole.

kombu 5.x creates a message file, then locks it, then writes it; its reader takes the file without a lock, so
a worker polling at that moment reads an empty file and stops on a JSON error (kombu issue #1551). The same
holds for the exchange file both the worker and the web server create on first use. Here each file is
written under a name no reader looks at and then given its real name in one step (rename/link), so a reader
sees either nothing or the whole message.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.json import dumps


def _write_whole(folder, name, payload: bytes, replace: bool = True) -> bool:
    """Write ``payload`` as ``folder/name`` in one step; with ``replace=False``, only if it does not exist."""
    draft = os.path.join(folder, f"{uuid.uuid4().hex}-writing")  # no dot: never taken for a queue's message
    try:
        with open(draft, "wb") as file:
            file.write(payload)
        target = os.path.join(folder, name)
        if replace:
            os.replace(draft, target)
            return True
        try:
            os.link(draft, target)
            return True
        except FileExistsError:
            return False
    finally:
        if os.path.exists(draft):
            os.remove(draft)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        try:
            _write_whole(self.data_folder_out, name, dumps(payload).encode())
        except OSError as exc:
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(exist_ok=True)
        first = [filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")]
        if not file.exists() and _write_whole(
            self.control_folder, file.name, dumps(first).encode(), replace=False
        ):
            return
        super()._queue_bind(
            exchange, routing_key, pattern, queue
        )  # the file exists whole: kombu's locked update


class Transport(filesystem.Transport):
    Channel = Channel
    global_state = virtual.BrokerState()  # kombu's is per class: not shared with its own file transport
