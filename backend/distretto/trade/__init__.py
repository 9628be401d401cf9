"""Trade conventions (issue 13): the units catalogue and FatturaPA invoice drafts."""
