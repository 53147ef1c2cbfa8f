"""Reports read the verified roster; they never touch the model."""
