"""Staff views of the funnel by sub-domain."""
