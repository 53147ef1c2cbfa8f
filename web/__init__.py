"""The planners' web page: open a plan, change it, solve it, compare variants, download.

A Starlette application (`web.app`) with Jinja2 pages and one small vendored
script; solves run in worker processes (`web.jobs`) through the CLI's own code
path, and every figure shown comes from `models/` and `reports/`.
"""
