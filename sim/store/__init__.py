"""Where users' scenarios are kept and how uploaded ones are read."""
