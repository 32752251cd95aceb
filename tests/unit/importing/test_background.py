"""The writer thread used by the case import: order, completion and failures."""

from __future__ import annotations

import sys

import pytest

from dialer.importing.background import BackgroundWriter


def test_batches_are_written_in_order_and_all_written_at_finish() -> None:
    written: list[list[int]] = []
    writer = BackgroundWriter(written.append)
    for start in range(0, 50, 5):
        writer.submit(list(range(start, start + 5)))
    writer.finish()
    assert [n for batch in written for n in batch] == list(range(50))


def test_a_failure_on_the_writer_thread_reaches_the_caller() -> None:
    def write(rows: list[int]) -> None:
        if rows[0] == 2:
            msg = "database went away"
            raise RuntimeError(msg)

    writer = BackgroundWriter(write)

    def submit_all() -> None:
        for n in range(100):
            writer.submit([n])
        writer.finish()

    with pytest.raises(RuntimeError, match="database went away"):
        submit_all()
    writer.stop()


def test_stop_drops_the_failure_and_restores_the_switch_interval() -> None:
    before = sys.getswitchinterval()

    def write(rows: list[int]) -> None:
        msg = "boom"
        raise ValueError(msg)

    writer = BackgroundWriter(write)
    writer.submit([1])
    writer.stop()
    writer.finish()  # nothing left to raise
    assert sys.getswitchinterval() == before
