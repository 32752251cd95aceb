"""Reading the portfolio while it is written: every row, whole, exactly once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dialer.simulate.follow import follow_rows


def test_rows_written_in_pieces_are_read_whole_and_once(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    done = threading.Event()
    rows = [f'C{n:04d},Zoë {n},"a, b"\r\n' for n in range(300)]
    text = "consumer_ref,first_name,note\r\n" + "".join(rows)

    data = text.encode("utf-8")

    def write() -> None:
        with path.open("wb") as handle:
            for start in range(0, len(data), 97):  # pieces that cut lines and characters
                handle.write(data[start : start + 97])
                handle.flush()
                time.sleep(0.0005)
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    read = list(follow_rows(path, done.is_set))
    writer.join()
    assert [cells["consumer_ref"] for _, cells in read] == [f"C{n:04d}" for n in range(300)]
    assert read[7] == (9, {"consumer_ref": "C0007", "first_name": "Zoë 7", "note": "a, b"})


def test_a_file_never_written_gives_no_rows(tmp_path: Path) -> None:
    assert list(follow_rows(tmp_path / "missing.csv", lambda: True)) == []
