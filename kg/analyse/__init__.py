"""Network analysis over the knowledge graph, as plain functions over networkx graphs."""
