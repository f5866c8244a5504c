"""What the backend tells its operators: Prometheus metrics and request ids in the logs."""
