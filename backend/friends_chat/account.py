"""A working Friend's own settings by chat: the day's check-in, online and offline, a pause,
the profile (radius, skills, languages) and the menu. The use cases are
backend/services/friend_account.py; this is what is said."""

from __future__ import annotations

from backend.adapters.messenger import quick_replies
from backend.adapters.orm import Friend
from backend.domain.signup import MAX_RADIUS_KM, languages_from, radius_in
from backend.friends_chat import messages
from backend.friends_chat.chat import Chat, Turn
from backend.friends_chat.texts import text
from backend.services import friend_account


async def check_in(chat: Chat, friend: Friend, language: str) -> bool:
    """The first message of a (local) day from an active Friend: online, and a greeting with
    the open jobs nearby. True when the greeting went out."""
    now = chat.clock()
    async with chat.sessions() as session:
        count = await friend_account.check_in(session, friend, now)
    if count is None:
        return False
    await chat.say(friend.messenger_id, messages.check_in(friend, language, now, count))
    return True


async def online(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        count = await friend_account.go_online(session, turn.friend)
    if count is None:
        await chat.say_text(turn.psid, text("paused_by_support", turn.language))
    elif not turn.checked_in:  # the greeting said it already
        body = text("online", turn.language, count=count)
        await chat.say(turn.psid, messages.menu(body, turn.language))


async def offline(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        await friend_account.go_offline(session, turn.friend)
    await chat.say(turn.psid, messages.menu(text("offline", turn.language), turn.language))


async def pause(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        await friend_account.pause(session, turn.friend, turn.language, chat.clock())
    await chat.say_text(turn.psid, text("paused", turn.language))


async def show_profile(chat: Chat, turn: Turn) -> None:
    await chat.say(turn.psid, messages.profile(turn.friend, turn.language))


async def edit_profile(chat: Chat, turn: Turn) -> None:
    """A profile button: asks for the new radius, skills or languages."""
    language, setting = turn.language, turn.command.argument
    if setting == "RADIUS":
        body = text("profile_ask_radius", language)
        await chat.say(turn.psid, quick_replies(body, messages.radius_replies(language)))
    elif setting == "SKILLS":
        await chat.say(turn.psid, messages.toggle_skills(turn.friend.skills, language))
    else:
        body = text("signup_ask_languages", language)
        await chat.say(turn.psid, quick_replies(body, messages.language_replies(language)))


async def radius(chat: Chat, turn: Turn) -> None:
    """A radius chip, or "Umkreis 20" typed (which must be a number in range)."""
    chosen = turn.command.argument
    if not chosen:
        number = turn.command.number
        if number is None or not 1 <= number <= MAX_RADIUS_KM:
            body = text("profile_radius_again", turn.language)
            await chat.say(turn.psid, quick_replies(body, messages.radius_replies(turn.language)))
            return
        chosen = str(number)
    async with chat.sessions() as session:
        saved = await friend_account.set_radius(session, turn.friend, radius_in(chosen))
    await chat.say_text(turn.psid, messages.profile_saved(saved, turn.language))


async def toggle_skill(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        saved = await friend_account.toggle_skill(session, turn.friend, turn.command.argument)
    if saved is None:
        await chat.say_text(turn.psid, text("profile_last_skill", turn.language))
        return
    await chat.say(turn.psid, messages.toggle_skills(saved.skills, turn.language))


async def languages(chat: Chat, turn: Turn) -> None:
    chosen = languages_from(f"LANGS:{turn.command.argument}")
    async with chat.sessions() as session:
        saved = await friend_account.set_languages(session, turn.friend, chosen, turn.language)
    await chat.say_text(turn.psid, messages.profile_saved(saved, turn.language))


async def menu(chat: Chat, turn: Turn) -> None:
    await chat.say(turn.psid, messages.menu(text("menu", turn.language), turn.language))


async def not_understood(chat: Chat, turn: Turn) -> None:
    """Never silence: what was not understood gets the menu."""
    body = text("not_understood", turn.language) + " " + text("menu", turn.language)
    await chat.say(turn.psid, messages.menu(body, turn.language))
