"""The `dialer` command line: one click group, one module per feature."""
