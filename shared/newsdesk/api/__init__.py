"""HTTP mapping: API models, problem documents, routes."""
