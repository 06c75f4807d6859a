# gunicorn settings for the seed stack: one sync worker per core, as the SageMaker
# "bring your own" examples deploy it. REF_BIND is a space-separated list of addresses
# (unix:/path/gunicorn.sock for nginx, optionally 127.0.0.1:PORT for direct benchmarks).
import multiprocessing
import os

bind = os.environ.get("REF_BIND", "unix:/tmp/gunicorn.sock").split()
workers = int(os.environ.get("REF_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 60
backlog = 2048
accesslog = None
errorlog = "-"
loglevel = "warning"
chdir = os.path.dirname(os.path.abspath(__file__))
