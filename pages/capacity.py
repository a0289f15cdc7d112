"""Capacity planning: sweep parameters of the current scenario, with replications."""

from ui import capacity, sidebar

scenario, _ = sidebar.page(
    "Capacity planning",
    "Vary parameters of the current scenario and run each setting several times. Replication "
    "k uses the same seed at every setting (common random numbers), so differences between "
    "settings are paired. Lines are means, bands 95 % confidence intervals (Student t).",
)
capacity.page(scenario)
