"""Forms of the plans pages: they parse input only; the rules live in services."""
