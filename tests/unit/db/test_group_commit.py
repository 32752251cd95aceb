"""Group commit: threads that hand items in together get them written together, each gets its
own result, and a failed batch sends every item of it back to its ordinary path."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from dialer.db.group_commit import GroupCommit

Item = tuple[str, int]  # (key, value)


class Recorder:
    """A write that records its batches; the first one waits until `release` is set, so that
    the test can line threads up behind it."""

    def __init__(self, *, fail_on: int | None = None) -> None:
        self.batches: list[list[Item]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        self.fail_on = fail_on

    def __call__(self, items: Sequence[Item]) -> list[str]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.first_started.set()
            assert self.release.wait(10)
        if any(value == self.fail_on for _, value in items):
            msg = "the database went away"
            raise ConnectionError(msg)
        return [f"{key}={value}" for key, value in items]


def _submit_all(group: GroupCommit[Item, str], items: list[Item]) -> dict[Item, str | None]:
    """The first item goes alone and holds the writer; the rest queue up behind it."""
    results: dict[Item, str | None] = {}
    recorder = group_write(group)

    def submit(item: Item) -> None:
        results[item] = group.submit(item)

    first = threading.Thread(target=submit, args=(items[0],))
    first.start()
    assert recorder.first_started.wait(10)
    rest = [threading.Thread(target=submit, args=(item,)) for item in items[1:]]
    for thread in rest:
        thread.start()
    while len(group_waiting(group)) < len(items) - 1:
        threading.Event().wait(0.001)
    recorder.release.set()
    for thread in [first, *rest]:
        thread.join(10)
    return results


def group_write(group: GroupCommit[Item, str]) -> Recorder:
    write = group._write
    assert isinstance(write, Recorder)
    return write


def group_waiting(group: GroupCommit[Item, str]) -> list[object]:
    return list(group._waiting)  # the threads queued behind the writer


def test_a_lone_item_is_written_at_once_in_a_batch_of_its_own() -> None:
    recorder = Recorder()
    recorder.release.set()
    group = GroupCommit(recorder, key=lambda item: item[0])
    assert group.submit(("a", 1)) == "a=1"
    assert recorder.batches == [[("a", 1)]]


def test_items_that_arrive_during_a_write_go_together_in_the_next_batch() -> None:
    group = GroupCommit(Recorder(), key=lambda item: item[0])
    items = [("a", 1), ("b", 2), ("c", 3), ("d", 4)]
    results = _submit_all(group, items)
    assert results == {item: f"{item[0]}={item[1]}" for item in items}
    first, second = group_write(group).batches
    assert first == [("a", 1)]
    assert sorted(second) == [("b", 2), ("c", 3), ("d", 4)]
    assert (group.batches, group.items) == (2, 4)


def test_two_items_with_one_key_go_in_successive_batches_in_their_order() -> None:
    group = GroupCommit(Recorder(), key=lambda item: item[0])
    results = _submit_all(group, [("a", 1), ("b", 2), ("b", 3), ("c", 4)])
    assert set(results.values()) == {"a=1", "b=2", "b=3", "c=4"}
    batches = group_write(group).batches
    assert len(batches) == 3
    assert [item for batch in batches for item in batch if item[0] == "b"] in (
        [("b", 2), ("b", 3)],
        [("b", 3), ("b", 2)],  # the two threads may queue in either order...
    )
    assert all(
        len({key for key, _ in batch}) == len(batch) for batch in batches
    )  # ...never together


def test_a_batch_holds_at_most_max_batch_items() -> None:
    group = GroupCommit(Recorder(), key=lambda item: item[0], max_batch=2)
    items = [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)]
    results = _submit_all(group, items)
    assert len(results) == 5
    assert None not in results.values()
    assert [len(batch) for batch in group_write(group).batches] == [1, 2, 2]


def test_a_failed_batch_gives_none_to_each_of_its_items_and_the_next_batch_still_runs() -> None:
    group = GroupCommit(Recorder(fail_on=3), key=lambda item: item[0], max_batch=2)
    results = _submit_all(group, [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)])
    batches = group_write(group).batches
    failed = next(batch for batch in batches if ("c", 3) in batch)
    assert all(results[item] is None for item in failed)
    assert all(
        results[item] == f"{item[0]}={item[1]}" for b in batches if b != failed for item in b
    )
    assert group.submit(("f", 6)) == "f=6"  # the writer was handed on, not left busy


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        GroupCommit(Recorder(), key=lambda item: item[0], max_batch=0)
