"""Views of the funnel by sub-domain; the secretariat's in ``views.staff``."""
