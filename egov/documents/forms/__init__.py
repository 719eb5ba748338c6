"""Forms of the document pages: they parse input only; the rules live in the services."""
