"""Counties, townships and elections: positions, conditions, work targets, stages, announcement."""
