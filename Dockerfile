# One image for every process of the Procfile (web, scheduler, worker, release) and the demo's
# emulator. Build: docker build -t dialer .   Run: see compose.yaml and the README's
# "Deployment" section.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DIALER_ENV=production \
    PORT=5000

WORKDIR /app
# Dependencies first (cached while only the code changes), then the project itself.
COPY pyproject.toml README.md ./
COPY dialer/__init__.py dialer/__init__.py
RUN pip install . && pip uninstall -y dialer
COPY . .
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /app dialer \
    && mkdir -p /app/var && chown dialer /app/var
USER dialer

EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '5000'), timeout=4)"
CMD ["sh", "-c", "exec gunicorn --config config/gunicorn.conf.py webhooks.wsgi:app --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-2} --access-logfile -"]
