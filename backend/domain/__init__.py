"""Pure domain rules: no I/O, no framework. Unit-tested in tests/unit."""
