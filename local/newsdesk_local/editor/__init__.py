"""The editor commands of `newsdesk`: an HTTP client of the editor API, for the local stack or a deployed one."""
