"""Reads for members and governance, one module per sub-domain."""
