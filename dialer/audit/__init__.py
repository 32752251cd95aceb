"""Re-audits: every contact checked again after the fact (nightly, and the demo's)."""
