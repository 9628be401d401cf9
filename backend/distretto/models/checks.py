"""CHECK constraints built from the enum a column takes its values from."""

import enum


def in_values(column: str, values: type[enum.StrEnum]) -> str:
    """``column IN ('a','b')`` from an enum, so a CHECK never repeats the values by hand."""
    return f"{column} IN ({','.join(repr(v.value) for v in values)})"
