"""The GovStack Registration Building Block API over our procedures and dossiers (/api/govstack/registration/).

See docs/services-govstack.md for the mapping between the spec's objects and ours.
"""
