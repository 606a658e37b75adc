"""The users subgraph: accounts, authentication and profiles (owns `User`)."""
