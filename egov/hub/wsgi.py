"""WSGI entry point of the hub process."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "egov.hub.settings"
application = get_wsgi_application()
