"""Newsdesk: serverless article publishing for news sites."""
