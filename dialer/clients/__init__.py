"""Clients (creditors): their codes, which users see which clients, and hand-offs to agencies."""
