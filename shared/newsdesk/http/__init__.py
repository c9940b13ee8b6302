"""HTTP: the Powertools resolver the API functions share, problem documents (the one mapping from
errors to HTTP), and the routes: the editor API (articles, moderation) and the public comment intake."""
