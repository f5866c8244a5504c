"""The product's shared vocabulary (job categories and their names), used by the bot, the
actions and the backend alike. Standard library only: imported from both virtual environments.
"""
