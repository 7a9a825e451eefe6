"""Reads of the open-innovation funnel, by sub-domain: ``surveys``, ``calls``, ``proposals``."""
