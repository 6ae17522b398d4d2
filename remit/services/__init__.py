"""Use cases: load rows, call the domain, return results. Writes are committed by the caller."""
