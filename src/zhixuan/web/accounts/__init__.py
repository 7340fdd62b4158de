"""Users, roles per county / township / election, and login throttling."""
