"""Speed and memory against the limit and the peers, run from the repository root as
``python -m benchmarks.<name>`` (figures and machine in benchmarks/README.md)."""
