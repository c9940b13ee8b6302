"""The Newsdesk local stack and command line: the deployed handlers over an embedded AWS emulator."""
