"""Reader comments: intake (validate and queue), moderation (worker and editor API), public view.

The intake function's modules (intake, fields, tokens, keys, ids, messages) use the standard library
only, so the public comment endpoint has the smallest cold start of all functions. Keep this file empty.
"""
