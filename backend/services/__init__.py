"""Use cases: each function takes a session (or sessionmaker) and plain values."""
