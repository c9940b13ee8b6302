"""The one Newsdesk table: its layout (keys), a small attribute codec, cursors, and one store per kind
of item."""
