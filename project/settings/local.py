"""Local development: `make run`. DEBUG is on unless DJANGO_DEBUG=0 says otherwise."""

from .base import *  # noqa: F403
from .base import env, secret_key

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = secret_key(debug=DEBUG)
