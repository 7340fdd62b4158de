"""WSGI entry point for a county server (e.g. ``gunicorn zhixuan.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhixuan.web.settings")
application = get_wsgi_application()
