"""``kg serve``: a local web app to browse and check a graph (:func:`make_app`)."""

from __future__ import annotations

from kg.serve.app import make_app

__all__ = ["make_app"]
