"""Decree 30/2020 rules as data and code: document types, number and symbol, signing authority, format check."""
