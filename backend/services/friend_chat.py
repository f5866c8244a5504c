"""Moved to backend/friends_chat/router.py. Kept only while backend/web/runtime.py imports
FriendChat from here (that module is another change's); once it imports from
backend.friends_chat.router, delete this."""

from backend.friends_chat.router import FriendChat as FriendChat
