"""Training kg's statistical components (``python -m kg.train``, ``make model``)."""
