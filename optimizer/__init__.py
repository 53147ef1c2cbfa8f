"""The constraint model, its solve, and the independent checker."""
