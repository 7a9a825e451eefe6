"""By sub-domain: ``surveys`` (challenges), ``calls``, ``proposals``."""
