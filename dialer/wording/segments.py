"""How many SMS segments a body costs: GSM-7 (160/153) or UCS-2 (70/67)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    encoding: Encoding
    segments: int
    characters: int


def _units(body: str) -> tuple[Encoding, list[int]]:
    """The encoding and the cost of each character (septets or UTF-16 code units)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in body):
        return Encoding.GSM7, [2 if ch in GSM7_EXTENSION else 1 for ch in body]
    return Encoding.UCS2, [2 if ord(ch) > 0xFFFF else 1 for ch in body]


def _pack(costs: list[int], size: int) -> int:
    """Segments needed when a character (escape pair, surrogate pair) is never split."""
    segments, used = 1, 0
    for cost in costs:
        if used + cost > size:
            segments += 1
            used = 0
        used += cost
    return segments


def sms_segments(body: str) -> SegmentInfo:
    encoding, costs = _units(body)
    single, part = (
        (GSM7_SINGLE, GSM7_PART) if encoding is Encoding.GSM7 else (UCS2_SINGLE, UCS2_PART)
    )
    total = sum(costs)
    segments = 1 if total <= single else _pack(costs, part)
    return SegmentInfo(encoding=encoding, segments=segments, characters=len(body))
