"""egov — open-source e-government platform for Vietnamese state agencies."""

__version__ = "0.1.0"
