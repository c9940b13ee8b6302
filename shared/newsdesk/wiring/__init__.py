"""The composition of each function: its settings (read from the environment once), its adapters, its
services and its entry (a resolver or a batch handler). `functions/*/app.py` read the settings and call
the module of their function here; tests, benchmarks and the local stack build functions the same way,
with their own clients."""
