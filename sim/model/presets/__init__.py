"""Built-in scenarios: one YAML file each, read by :func:`sim.model.files.preset`."""
