"""Reference tariffs: the association's minimum and typical prices per phase and unit."""
