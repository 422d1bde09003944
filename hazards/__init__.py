"""pumpproof package."""
