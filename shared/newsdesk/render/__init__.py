"""Static site rendering: Markdown, templates, and the pages a change touches."""
