"""Settings for the test suite: development mode, a throw-away data directory, a fast hasher."""

import os
import tempfile

os.environ.setdefault("EGOV_MODE", "development")
os.environ.setdefault("EGOV_DATA_DIR", tempfile.mkdtemp(prefix="egov-test-"))
os.environ.setdefault("EGOV_LOG_LEVEL", "warning")

from egov.settings import *  # noqa: F403

# Argon2 is the production hasher (asserted in accounts tests); the suite hashes thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests flush tables between cases; the append-only triggers are installed and tested explicitly.
EGOV_AUDIT_DB_GUARD = False

# The exchange hub runs as its own process with its own database (egov.hub.settings); the suite also installs
# its app here so the hub's services and HTTP API can be tested in-process.
INSTALLED_APPS = [*INSTALLED_APPS, "egov.hub"]  # noqa: F405
ROOT_URLCONF = "egov.conf.test_urls"
