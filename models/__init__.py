"""The vocabulary: scenario schema and loader, rule names, solution types."""
