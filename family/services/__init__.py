"""Writes of family help: `asks` (asking and agreeing) and `grants` (ending, acting,
recording, residents with no phone). Callers import the concern module."""
