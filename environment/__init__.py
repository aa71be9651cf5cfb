"""The landscape: named layers on one RD New grid, the builder that makes them from open Dutch
data, and the environment processes."""
