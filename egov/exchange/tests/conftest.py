# The documents fixtures: `agency` (an agency with signing keys) and `exchange` (it, at an in-process hub).
from egov.documents.tests.conftest import agency, demo_pki_root, exchange  # noqa: F401
