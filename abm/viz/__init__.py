"""The teaching app (docs/teaching.md)."""
