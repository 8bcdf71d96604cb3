"""The embedded default's file queue (config/filesystem_broker.py) with a worker polling while web processes
write: every message arrives whole. Each party is its own process, as the web server and the worker are."""

import base64
import json
import multiprocessing
import time

import pytest

OURS = "config.filesystem_broker:Transport"
MESSAGES = 20
spawned = multiprocessing.get_context("spawn")


def _connection(folder, transport):
    from kombu import Connection

    options = {
        "data_folder_in": folder,
        "data_folder_out": folder,
        "control_folder": f"{folder}/control",
        "polling_interval": 0.001,
    }
    return Connection("filesystem://", transport=transport, transport_options=options)


def _write(folder, transport, writer, start):
    with _connection(folder, transport) as connection:
        queue = connection.SimpleQueue("race")
        start.wait()
        for number in range(MESSAGES):
            queue.put({"writer": writer, "number": number, "padding": "x" * 5_000_000})
        queue.close()


def _read(folder, transport, expected, results):
    received = []
    with _connection(folder, transport) as connection:
        queue = connection.SimpleQueue("race")
        deadline = time.monotonic() + 60
        while len(received) < expected and time.monotonic() < deadline:
            try:
                message = queue.get(timeout=0.05)
            except queue.Empty:
                continue
            except Exception as error:  # what kombu's own reader raises on a half-written file
                results.put((received, repr(error)))
                return
            received.append((message.payload["writer"], message.payload["number"]))
            message.ack()
    results.put((received, None))


def _race(folder, transport):
    results, start = spawned.Queue(), spawned.Barrier(3)
    reader = spawned.Process(target=_read, args=(folder, transport, 2 * MESSAGES, results))
    writers = [spawned.Process(target=_write, args=(folder, transport, name, start)) for name in "ab"]
    for process in (reader, *writers):
        process.start()
    start.wait()
    received, error = results.get(timeout=120)
    for process in (reader, *writers):
        process.join(timeout=30)
    return received, error


def test_a_worker_polling_while_two_processes_write_gets_every_message_whole(tmp_path):
    received, error = _race(str(tmp_path), OURS)

    assert error is None
    assert sorted(received) == sorted((writer, number) for writer in "ab" for number in range(MESSAGES))
    assert [path.name for path in tmp_path.iterdir()] == ["control"]  # no draft left behind


def _declare_and_put(folder, transport, start):
    with _connection(folder, transport) as connection:
        start.wait()
        connection.SimpleQueue("race").put({"ok": True})


@pytest.mark.parametrize("attempt", range(3))
def test_processes_declaring_the_queue_at_once_each_have_their_message_routed(tmp_path, attempt):
    start = spawned.Barrier(4)
    processes = [
        spawned.Process(target=_declare_and_put, args=(str(tmp_path), OURS, start)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0] * 4
    messages = [json.loads(path.read_bytes()) for path in tmp_path.glob("*.race.msg")]
    assert [json.loads(base64.b64decode(message["body"])) for message in messages] == [{"ok": True}] * 4
    assert [queue for _, _, queue in json.loads((tmp_path / "control" / "race.exchange").read_text())] == [
        "race"
    ]
