"""Reads scoped to what the actor may see."""
