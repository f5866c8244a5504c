"""The website chat's rules, shared by the bot (bot/webchat_channel.py) and the backend.

Standard library only (and `product/`): this package is imported from both virtual
environments. Session tokens (`sessions`), the limits on what a public chat accepts
(`limits`) and the few sentences the channel itself says (`texts`).
"""
