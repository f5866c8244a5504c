"""techfriends backend: jobs API, matching, dispatch, claims and the Friends' Messenger webhook."""
