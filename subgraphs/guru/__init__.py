"""The guru subgraph: "near me" over a geo index fed by events, and recommendations."""
