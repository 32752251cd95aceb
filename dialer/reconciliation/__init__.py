"""Reconciliation: attempts a crash or a lost answer left without a known fate."""
