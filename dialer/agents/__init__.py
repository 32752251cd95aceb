"""Agents: the pool for bridged calls, the desk, manual and preview calls, the texts inbox and
abandoned calls."""
