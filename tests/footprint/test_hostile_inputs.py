"""Footprint inputs built to cost time or memory: a PNG with 200,000 text fields, and server
answers nested absurdly deep or carrying numbers of thousands of digits. Each is bounded and
reported plainly, never "unexpected error"."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from kit.errors import NetworkFailed
from kit.footprint import breaches, gravatar, photos
from kit.footprint.transport import Response
from tests.hostile_files import PROMPT, tree_state


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_text_fields(path: Path, count: int) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    data = buffer.getvalue()
    at = data.index(b"IDAT") - 4
    texts = b"".join(_chunk(b"tEXt", b"Key%d\0value %d" % (n, n)) for n in range(count))
    path.write_bytes(data[:at] + texts + data[at:])
    return path


def test_a_png_with_200000_text_fields_lists_100_and_counts_the_rest(tmp_path: Path) -> None:
    path = png_with_text_fields(tmp_path / "many.png", 200_000)
    before = tree_state(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "kit", "check", "photo", str(path)],
                          capture_output=True, text=True, timeout=PROMPT)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) + len(proc.stderr) < 20_000  # it had printed 7.9 MB
    assert proc.stdout.count("[PNG tEXt]") == photos.MAX_PNG_TEXT_CHUNKS
    assert "more text fields (not read)" in proc.stdout
    assert "the rest of the file was not read" in proc.stdout
    assert tree_state(tmp_path) == before


def test_a_few_more_text_fields_than_the_cap_are_counted_exactly(tmp_path: Path) -> None:
    extra = 7
    path = png_with_text_fields(tmp_path / "some.png", photos.MAX_PNG_TEXT_CHUNKS + extra)
    (report,) = photos.scan([path])
    labels = [item.label for item in report.items]
    assert sum(label.startswith("text 'Key") for label in labels) == photos.MAX_PNG_TEXT_CHUNKS
    assert f"and {extra} more text fields (not read)" in labels


def _reply(body: bytes) -> Response:
    return Response(200, {}, body, "https://api.example.org/x", 0.1, False)


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 200 + b"1" + b"}" * 200,
    b"[" + b"9" * 5000 + b"]",
])
def test_hostile_server_answers_are_a_network_failure(body: bytes) -> None:
    with pytest.raises(NetworkFailed, match="could not be read") as caught:
        breaches.evaluate_account(_reply(body))
    assert caught.value.exit_code == 7
    with pytest.raises(NetworkFailed, match="could not be read"):
        gravatar.evaluate_profile(_reply(body))
