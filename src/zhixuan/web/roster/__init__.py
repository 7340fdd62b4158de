"""The roster of an election: members (P1 statuses, P2 excusals, migrant flag) and public reps (P4)."""
