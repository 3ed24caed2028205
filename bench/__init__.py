"""Haven's benchmark suite: a deterministic corpus generator, the floor, and the `make bench` harness."""
