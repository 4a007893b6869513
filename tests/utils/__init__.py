"""Helpers of the tests: test providers, fixture logs, in-process CLI and eval runs."""
