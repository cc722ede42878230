"""Benchmarks, run by hand (`make bench`, `make bench-enquiries`); never by the tests."""
