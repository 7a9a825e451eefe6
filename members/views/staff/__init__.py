"""The secretariat's pages of the members app (mounted under /staff/members/)."""
