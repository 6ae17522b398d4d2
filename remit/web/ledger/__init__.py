"""The season ledger's pages."""
