"""Dataset building, training, evaluation and benchmarks (reads ../shared, writes models/ and reports)."""
