"""`dialer simulate`: days of campaign in seconds, on a simulated clock, with a re-audit.

The same campaign planner (`dialer.campaigns.decide`), phone choice
(`dialer.dispatch.choose.choose_contact`) and compliance engine as the live dialer, over the
synthetic portfolio, with a seeded outcome model instead of Twilio. See `loop.py` for the
design (every case simulated; 100,000 cases x 30 days in about a minute on 2 CPUs).
"""

from __future__ import annotations

from dialer.simulate.figures import Figures
from dialer.simulate.model import OutcomeModel
from dialer.simulate.results import Comparison, SimulationConfig, SimulationResult
from dialer.simulate.runner import compare, preview_limits, run_simulation
from dialer.simulate.shard_state import Capacity

__all__ = [
    "Capacity",
    "Comparison",
    "Figures",
    "OutcomeModel",
    "SimulationConfig",
    "SimulationResult",
    "compare",
    "preview_limits",
    "run_simulation",
]
