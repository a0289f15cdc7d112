"""The command line (``python -m sim``)."""
