"""Adapters to AWS services. Each takes an optional client and builds a default one lazily."""
