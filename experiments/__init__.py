"""Scenarios and experiments: the scenario library (TOML) and, later, batch runs."""
