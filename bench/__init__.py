"""Benchmarks of the partner portal: data generation, load runs and scale comparisons (`make bench`)."""
