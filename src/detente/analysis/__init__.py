"""Analysis over the stored events: story events (`stories`) that merge reports of one event."""
