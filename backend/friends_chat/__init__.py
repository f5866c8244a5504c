"""The Friends' chat: an entry point of its own, like backend/web for HTTP.

`router` reads every message to the Friends' page as one command and hands it to its handler
(`work`: offers and held jobs, `done`: reporting a job done, `account`: check-in, online, pause,
profile); someone who is not a working Friend yet is in `signup` and `quiz`. `texts` and
`messages` are what is said, pure, so that the use cases which write to a Friend in their own
transaction (dispatch's offers, the deadline sweep's reminders) build their messages with them.
The use cases themselves live in backend/services.
"""
