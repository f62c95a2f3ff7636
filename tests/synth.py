"""Moved to crawler/demo/synth.py (the demo web uses it); kept here for the tests and benches."""
from crawler.demo.synth import *  # noqa: F403
