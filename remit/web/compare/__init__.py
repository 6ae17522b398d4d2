"""Compare: the comparison, corridors and providers."""
