"""The Twilio webhooks: voice and SMS blueprints behind Twilio's signature (`webhooks.app`), and
the gunicorn target `webhooks.wsgi:app` (the whole web process, built by `web.app`)."""
