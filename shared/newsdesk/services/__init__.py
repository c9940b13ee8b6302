"""Use cases. Each takes its repository explicitly."""
