"""A small circuit breaker: after repeated LLM failures, skip the LLM for a while."""

import threading
import time


class CircuitBreaker:
    def __init__(self, *, failure_threshold: int = 3, reset_after_s: float = 30.0):
        self.failure_threshold = failure_threshold
        self.reset_after_s = reset_after_s
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    def allow(self) -> bool:
        """Closed: yes. Open: no, until the cool-down passes; then one trial call at a time (half-open)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if time.monotonic() - self._opened_at < self.reset_after_s or self._trial_in_flight:
                return False
            self._trial_in_flight = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial_in_flight = False
            if self._opened_at is not None or self._failures >= self.failure_threshold:
                self._opened_at = time.monotonic()

    def release_trial(self) -> None:
        """An allowed call that was not made after all: a half-open breaker may let the next one try."""
        with self._lock:
            self._trial_in_flight = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None

    def reset(self) -> None:
        self.record_success()
