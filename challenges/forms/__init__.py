"""Forms of the funnel by sub-domain."""
