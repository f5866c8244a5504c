"""Moved to backend/friends_chat/texts.py. Kept only while backend/web/api.py imports `text`
from here (that module is another change's); once it imports from backend.friends_chat, delete."""

from backend.friends_chat.texts import TEXTS as TEXTS
from backend.friends_chat.texts import text as text
