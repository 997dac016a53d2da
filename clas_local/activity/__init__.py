"""A project's activity figures for its school year (counts only) and its qualitative bilan."""
