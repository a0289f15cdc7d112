"""Running scenarios: one run, replications and sweeps, paired comparisons, bounded runs, the
tour."""
