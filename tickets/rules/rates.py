"""Rate limits counted in two fixed windows, read as a sliding one."""


def sliding_count(hits: int, previous: int, *, now: float, period: int) -> float:
    """Hits in the last ``period`` seconds, estimated from two fixed windows: the previous window's hits count in
    proportion to how much of it still overlaps."""
    elapsed = (now % period) / period  # how far into the current window we are, 0..1
    return previous * (1 - elapsed) + hits
