"""gunicorn settings for Fossa; the Procfile's `web:` line runs `gunicorn -c gunicorn.conf.py`.

Chosen by measurement on the 2-core machine (tests/bench/bench_http.py, and the
slow-client test tests/web/test_slow_clients.py); see docs/deploy.md.

- gthread workers: each worker process serves requests on a pool of threads, and
  idle or not-yet-sending connections wait in the worker's poller, not in a thread.
  Two slow uploads took both *sync* workers down (issue 11, M1); with threads they
  hold two threads of sixty-four. webapp/request_deadline.py bounds how long a slow
  body can hold a thread at all (then 408).
- Two processes for two cores (the work is CPU-bound Python; more processes only
  queue), 32 threads each: a worker accepts connections whether or not a thread is
  free, so one worker may get most of a burst of slow clients; idle threads cost
  no CPU, and at most as many run Python at once as there are requests.
- A deployment on the open internet still puts a buffering reverse proxy in front
  (nginx, a platform router that buffers bodies): it absorbs slow clients for free.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# A worker whose main loop stops for this long is restarted by the arbiter.
timeout = 30
graceful_timeout = 20
# Kept-alive connections wait in the poller (no thread) for this long.
keepalive = 5
# Requests whose line or headers are larger than a browser ever sends are refused.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
# Share, calendar and reset tokens masked in the access log (i11: webapp/security/access_log.py).
logger_class = "webapp.security.access_log.MaskingGunicornLogger"
# No control socket: one fixed path under $HOME would be shared by every gunicorn
# of the machine (benchmarks, tests); `gunicornc` is not part of Fossa's operations.
control_socket_disable = True


def post_worker_init(worker):
    """Warm each worker before it accepts connections (webapp/warm_up.py): its first
    requests would otherwise queue behind template compiling and first-use work."""
    from webapp.warm_up import warm_up

    warm_up(worker.wsgi)
