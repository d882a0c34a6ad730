"""Reading releases (text, HTML, hostile input), Thai segmentation offline, and dates in Thai and English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph.curate.draft.dates import find_dates
from coopgraph.curate.draft.text import MAX_BYTES, read_release, thai_words
from coopgraph.errors import CoopgraphError
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("วันที่ 2 กุมภาพันธ์ 2567", ["2024-02-02"]),
        ("เมื่อ 2 ก.พ. 67 ที่ผ่านมา", ["2024-02-02"]),
        ("วันที่ ๗ พฤศจิกายน ๒๕๖๕".translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")), ["2022-11-07"]),
        ("ในเดือนตุลาคม 2566", ["2023-10"]),
        ("2 ธันวาคม ค.ศ. 2024", ["2024-12-02"]),
        ("on February 2, 2024 and 3 March 2024", ["2024-02-02", "2024-03-03"]),
        ("signed in November 2022", ["2022-11"]),
        ("30 กุมภาพันธ์ 2567", []),  # no such day: not a date
    ],
)
def test_dates(text: str, iso: list[str]) -> None:
    assert [d.iso for d in find_dates(text)] == iso


def test_thai_digits_are_read(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("ลงนามเมื่อวันที่ ๗ พฤศจิกายน ๒๕๖๕", encoding="utf-8")
    assert [d.iso for d in find_dates(read_release(path).text)] == ["2022-11-07"]


def test_html_page_is_reduced_to_its_visible_text(tmp_path: Path) -> None:
    page = tmp_path / "release.html"
    page.write_text(
        "<!doctype html><html><head><title>ข่าว</title><style>p{color:red}</style>"
        "<script>var x = 'บันทึกความเข้าใจ';</script></head><body><p>วันที่ 2 กุมภาพันธ์ 2567</p>"
        "<div>ที่มา : <a href='https://www.thaigov.go.th/news/contents/details/78348'>ลิงก์</a></div></body></html>",
        encoding="utf-8",
    )
    release = read_release(page)
    assert "var x" not in release.text and "color" not in release.text
    assert "วันที่ 2 กุมภาพันธ์ 2567" in release.text.splitlines()
    assert "https://www.thaigov.go.th/news/contents/details/78348" in release.text
    assert release.lang == "th"


def test_hostile_input_gives_one_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CoopgraphError, match=r"x\.txt:1: not UTF-8 text"):
        read_release(binary)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(CoopgraphError, match="too big for a press release"):
        read_release(big)
    empty = tmp_path / "empty.html"
    empty.write_text("<html><script>only()</script></html>", encoding="utf-8")
    with pytest.raises(CoopgraphError, match="no text"):
        read_release(empty)


def test_newmm_segments_thai_with_the_network_cut_off() -> None:
    """PyThaiNLP's dictionary tokenizer runs in a process where opening any socket fails."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "from coopgraph.curate.draft.text import thai_words\n"
        "print('|'.join(thai_words('ปลัดกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคมได้ลงนาม')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "HOME": "/tmp"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split("|")[-1] == "ลงนาม" and "ปลัด" in done.stdout
    assert thai_words("ได้ลงนาม") == ("ได้", "ลงนาม")


def test_hostile_release_is_drafted_in_bounded_work(tmp_path: Path) -> None:
    """Lines built to make patterns backtrack (names, meetings, titles, lists) still draft; nothing is proposed."""
    from coopgraph.curate.checker import curate
    from coopgraph.curate.draft.extract import draft
    from tests.conftest import SHIPPED

    line = (
        "during the Aaaa " * 3000 + "Minister of the and of the " * 3000 + "Memorandum of Understanding on "
        + "x, " * 3000 + " นายก " * 2000 + "(" * 500 + "บันทึกความเข้าใจ " * 500
    )  # fmt: skip
    path = tmp_path / "hostile.txt"
    path.write_text(line + "\nSource: https://example.org/x\n", encoding="utf-8")
    drafted = draft(read_release(path), curate(SHIPPED))
    assert all(not records for key, records in drafted.new.items() if key != "sources")
