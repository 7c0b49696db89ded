"""kg — turn news articles into a knowledge graph you can query and trust."""

__version__ = "0.1.0"
