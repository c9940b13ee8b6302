"""The editor commands of `newsdesk`: an HTTP client of the editor API, local or deployed."""
