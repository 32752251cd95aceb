"""Administration: users and permissions, the audit log, contact limits and their preview,
the dashboard and reports."""
