"""Background jobs of support plans (registered with notifications.schedule)."""
