"""Periodic jobs that every app process schedules and exactly one of them runs."""
