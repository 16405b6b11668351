"""Template tag libraries of the core app."""
