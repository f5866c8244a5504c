"""The product's vocabulary: languages (``languages``), countries with their currencies and time
zones (``countries``), job categories (``categories``) and the bits derived from them (``bits``).

Used by the bot, the actions and the backend alike, so standard library only: it is imported
from both virtual environments. A new language, country or category starts here.
"""
