"""Reader comments: what a reader may send, the form's token, the intake and moderation use cases, and the
rules a comment meets before a moderator sees it.

The intake function's modules (`intake`, `fields`, `tokens`, `values`, `ids`, `rules`, `errors`, `ports`)
use the standard library only, so the public comment endpoint keeps the smallest cold start of all the
functions; `models` (pydantic) is for what the table stores and the public sees. Keep this file empty.
"""
