"""The REST API for partner systems and browser sessions: wiring shared by every app's endpoints."""
