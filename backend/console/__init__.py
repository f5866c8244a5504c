"""Support console: staff log in to read transcripts, take over chats, run jobs and Friends."""
