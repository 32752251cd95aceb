"""Predictive dialing for agent steps: how many calls to place for the free agents, from the
campaign's recent answer rate, held under the abandonment cap (pure `pacing`, database reads
in `state`)."""
