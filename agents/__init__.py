"""Agents of ruimte. Each agent type has the same file shape: state, initialisation from data,
decision kernel, indicators. Government agents are here now; farmers, firms and households
follow."""
