"""Call recordings: recorded with consent, kept for the rule pack's retention, every access
audited."""
