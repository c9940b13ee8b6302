"""Domain model and rules, free of I/O."""
