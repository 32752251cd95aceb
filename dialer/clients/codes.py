"""Clients (creditors) as records: how a creditor's name or a given code becomes a client code."""

from __future__ import annotations

import unicodedata

CODE_LENGTH = 32


def client_code(text: str) -> str:
    """'Acme Bank, N.A.' -> 'ACME-BANK-N-A': accents dropped, upper case, runs of anything but
    letters and digits turned into one '-'. Two spellings of one creditor ("Acme Bank",
    "ACME BANK") give one code, so one client; "招商银行" keeps its letters."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn"
    ).upper()
    code: list[str] = []
    gap = False
    for char in plain:
        if char.isalnum():
            if gap and code:
                code.append("-")
            code.append(char)
            gap = False
        else:
            gap = True
    return "".join(code)[:CODE_LENGTH].rstrip("-")
