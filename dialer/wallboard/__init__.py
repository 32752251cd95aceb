"""The supervisor's wallboard: agents and their state, calls in flight, abandonment, queue."""
