"""Load and fan-out benchmarks that print figures. Not part of `make test`; see README.md."""
