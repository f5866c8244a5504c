"""The customer's private status page (/b/<token>): their job's status, cancel and rating."""
