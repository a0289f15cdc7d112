"""The scenario and its rules: schema, rule profiles, units, distributions, parameters, presets."""
