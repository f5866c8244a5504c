"""Messenger Platform rules shared by the bot (customers' page) and the backend (Friends' page).

Standard library only: this package is imported from both virtual environments.
"""
