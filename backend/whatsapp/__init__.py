"""WhatsApp in the backend: approved templates (their definitions and how to send them)."""
