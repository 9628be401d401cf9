"""Capacity calendars: free and booked capacity of phase firms per ISO week."""
