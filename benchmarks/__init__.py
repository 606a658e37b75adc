"""On-demand benchmarks: `python -m benchmarks gateway` (see benchmarks/gateway/run.py)."""
