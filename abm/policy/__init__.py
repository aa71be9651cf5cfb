"""Policy: the instrument catalogue, the mechanisms, the registry of implementations and the
yearly PolicyState."""
