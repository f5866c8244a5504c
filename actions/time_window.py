"""When the technician should come: free text ("morgen Nachmittag", "Friday afternoon",
"demain après-midi", "domani pomeriggio", "jutro po południu") to a time window in the
customer's time zone, and the window back to words in the customer's language.

Pure module (no Rasa imports). ``now`` is always passed in, so tests fix it. French, Italian
and Polish accents are folded before matching ("après" → "apres", "południu" → "poludniu"), so
an answer typed without them is understood alike; German umlauts stay (the German words are
written with and without them).

Rules:

- parts of the day: Vormittag/morning/früh/matin/mattina/rano 08–12,
  Mittag/midi/mezzogiorno/południe 11–14,
  Nachmittag/afternoon (Swiss "Nami")/après-midi/pomeriggio/po południu 13–18,
  Abend/evening/soir/sera/wieczór 18–21; a day without a part is 08–20;
- a clock time ("um 15 Uhr", "at 3 pm") is a 2-hour window, "ab 14 Uhr" runs to 20 Uhr,
  "bis 15 Uhr" starts at 8 Uhr, "zwischen 14 und 16 Uhr" is that range;
- "so schnell wie möglich"/"asap"/"dès que possible"/"il prima possibile"/"jak najszybciej"
  (or only "egal"/"jederzeit") is now → now + 24 hours;
- days: heute/today, morgen/tomorrow, übermorgen, weekdays (the next one that is not over),
  dates ("12.12.", "3. Jänner", "Dec 12"); a part or a time without a day is today, or tomorrow
  when today's is over;
- a window entirely in the past ("heute Vormittag" at 14:00) is refused (reason ``past``); today
  with a part already begun starts now (rounded up to 5 minutes), unless less than an hour is
  left; more than 90 days ahead is refused (``too_far``); nothing recognisable: ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from actions.greetings import GREETING
from product.countries import DEFAULT_COUNTRY, TIME_ZONES
from product.languages import or_default

PART_HOURS = {
    "morning": (8, 12),
    "midday": (11, 14),
    "afternoon": (13, 18),
    "evening": (18, 21),
}
DAY_HOURS = (8, 20)
ASAP = timedelta(hours=24)
CLOCK_WINDOW = timedelta(hours=2)
MIN_LEFT = timedelta(hours=1)
MAX_AHEAD = timedelta(days=90)
# A date without a year that lies at most this far back is a past date, not next year's.
PAST_DATE_GRACE = timedelta(days=60)

PAST = "past"
TOO_FAR = "too_far"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class TimeWindow:
    start: datetime
    end: datetime
    asap: bool = False


@dataclass(frozen=True)
class ParseResult:
    window: TimeWindow | None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.window is not None


def zone_for(country: str | None) -> ZoneInfo:
    return ZoneInfo(TIME_ZONES.get((country or "").upper(), TIME_ZONES[DEFAULT_COUNTRY]))


# --- vocabulary -------------------------------------------------------------------------------

_WEEKDAYS = {
    0: "montag mo monday mon mäntig mäntag",
    1: "dienstag di tuesday tue tues zischtig ziischtig",
    2: "mittwoch mi wednesday wed mittwuch mitwoch",
    3: "donnerstag do thursday thu thur thurs dunschtig donnschtig",
    4: "freitag fr friday fri fritig friitig",
    5: "samstag sa sonnabend saturday sat samschtig",
    6: "sonntag so sunday sun sunntig",
}
# French, Italian and Polish (accents folded; Polish in the cases people use: "w środę",
# "do piątku", "od soboty"). The short French forms ("mar", "mer", "jeu") are words too: left out.
_WEEKDAYS_FR_IT_PL = {
    0: "lundi lunedi lun poniedzialek poniedzialku pon",
    1: "mardi martedi wtorek wtorku",
    2: "mercredi mercoledi sroda srode srody",
    3: "jeudi giovedi gio czwartek czwartku czw",
    4: "vendredi venerdi ven piatek piatku",
    5: "samedi sabato sab sobota sobote soboty sob",
    6: "dimanche domenica dom niedziela niedziele niedzieli",
}
# Two-letter German abbreviations are also ordinary words ("so", "do"): only with a dot.
_SHORT = {"mo", "di", "mi", "do", "fr", "sa", "so"}
WEEKDAY_WORDS = {
    word: day for day, words in _WEEKDAYS.items() for word in words.split() if word not in _SHORT
}
WEEKDAY_WORDS |= {word: day for day, words in _WEEKDAYS_FR_IT_PL.items() for word in words.split()}
for _word in ("wochenende", "weekend", "week-end", "fine settimana", "weekendzie"):
    WEEKDAY_WORDS[_word] = 5

_MONTHS = {
    1: "januar jänner jaenner janner jan january",
    2: "februar feber feb february",
    3: "märz maerz marz mar march",
    4: "april apr",
    5: "mai may",
    6: "juni jun june",
    7: "juli jul july",
    8: "august aug",
    9: "september sept sep",
    10: "oktober okt oct october",
    11: "november nov",
    12: "dezember dez dec december",
}
# French, Italian, Polish (accents folded; Polish dates use the genitive: "12 grudnia").
# Short forms that are also other words ("gen 2", "2 ago", "set") are left out.
_MONTHS_FR_IT_PL = {
    1: "janvier janv gennaio styczen stycznia",
    2: "fevrier fevr febbraio luty lutego",
    3: "mars marzo marzec marca",
    4: "avril avr aprile kwiecien kwietnia",
    5: "maggio maj maja",
    6: "juin giugno giu czerwiec czerwca",
    7: "juillet juil luglio lug lipiec lipca",
    8: "aout agosto sierpien sierpnia",
    9: "septembre settembre wrzesien wrzesnia",
    10: "octobre ottobre ott pazdziernik pazdziernika",
    11: "novembre listopad listopada",
    12: "decembre dicembre dic grudzien grudnia",
}
MONTH_WORDS = {
    word: month
    for table in (_MONTHS, _MONTHS_FR_IT_PL)
    for month, words in table.items()
    for word in words.split()
}

_PART_PATTERNS = (
    (
        "afternoon",
        r"nach-?mitt?ags?|nachmitag|namittag|nomittag|nami|afternoon|arvo|"
        r"apres[\s-]?midi|aprem|pomeriggio|po\s*poludniu|popoludnie",
    ),
    (
        "midday",
        r"mittags?|mittagszeit|über\s+mittag|noon|midday|lunch(?:time)?|"
        r"midi|mezzogiorno|ora\s+di\s+pranzo|pranzo|poludnie|poludnia|porze\s+obiadu",
    ),
    (
        "morning",
        r"vormitt?ags?|vormitag|früh|frueh|morgens|morning|morge|"
        r"matin|matinee|mattina|mattinata|domattina|stamattina|stamani|"
        r"rano|rankiem|z\s+rana|przed\s*poludniem",
    ),
    (
        "evening",
        r"abends?|abig|obend|evening|tonight|feierabend|"
        r"soir|soiree|sera|serata|stasera|wieczorem|wieczor|wieczorkiem",
    ),
)
_PARTS = [(part, re.compile(rf"\b(?:{words})\b")) for part, words in _PART_PATTERNS]

_ASAP = re.compile(
    r"\b(asap|so\s+(?:schnell|bald|früh|rasch)\s+wie\s+(?:möglich|moeglich|moglich|mögl|es\s+geht)|"
    r"schnellst(?:möglich|moeglich|moglich)|baldmöglichst|baldmoeglichst|"
    r"möglichst\s+(?:schnell|bald|rasch)|moeglichst\s+(?:schnell|bald)|sofort|dringend|"
    r"schnell|gleich|jetzt|egal(?:\s+wann)?|jederzeit|wann\s+immer|"
    r"as\s+soon\s+as\s+(?:possible|you\s+can)|urgent(?:ly)?|right\s+away|immediately|"
    r"any\s*time|whenever|now|quickly|soon|"
    r"des\s+que\s+possible|au\s+plus\s+(?:vite|tot)|(?:le\s+)?plus\s+(?:vite|tot)\s+possible|"
    r"aussi\s+(?:vite|tot)\s+que\s+possible|rapidement|urgent|tout\s+de\s+suite|maintenant|"
    r"n'importe\s+quand|quand\s+vous\s+voulez|peu\s+importe|"
    r"(?:il\s+)?prima\s+possibile|(?:non\s+)?appena\s+possibile|al\s+piu\s+presto|quanto\s+prima|"
    r"subito|urgente|adesso|quando\s+volete|in\s+qualsiasi\s+momento|non\s+importa|"
    r"jak\s+najszybciej(?:\s+to\s+mozliwe)?|jak\s+najwczesniej|jak\s+najpredzej|"
    r"szybko|pilne|pilnie|natychmiast|teraz|od\s+razu|obojetnie|kiedykolwiek|"
    r"wszystko\s+jedno)\b"
)

_TODAY = re.compile(
    r"\b(heute|heut|hüt|hüüt|huet|heit|today|tonight|aujourd'?hui|oggi|stasera|stamattina|"
    r"stamani|stanotte|dzis|dzisiaj)\b|\bthis\s+(morning|afternoon|evening)\b|"
    r"\b(ce\s+soir|ce\s+matin|cet\s+apres[\s-]?midi|questa\s+sera|questo\s+pomeriggio)\b"
)
_DAY_AFTER = re.compile(
    r"\b(übermorgen|uebermorgen|ubermorgen|übermorn|day\s+after\s+tomorrow|"
    r"apres[\s-]?demain|dopodomani|pojutrze)\b"
)
_TOMORROW = re.compile(
    r"\b(morgen|morgn|morn|tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|"
    r"demain|domani|domattina|jutro|jutra)\b"
)
# French "hier" is German "here": only with a part of the day, or alone.
_YESTERDAY = re.compile(
    r"\b(gestern|vorgestern|geschter|yesterday|last\s+week|letzte\s+woche|"
    r"avant[\s-]?hier|hier\s+(?:soir|matin|apres[\s-]?midi)|la\s+semaine\s+derniere|"
    r"ieri|l'altro\s+ieri|settimana\s+scorsa|wczoraj|przedwczoraj|w\s+zeszlym\s+tygodniu)\b|"
    r"^hier$"
)
_NEXT = re.compile(
    r"\b(nächste[nmrs]?|naechste[nmrs]?|kommende[nmrs]?|next|prochaine?|prossim[oa]|"
    r"przyszl[ya]|przyszlym|nastepn[ya]|nastepnym)\b"
)

_NUMERIC_DATE = re.compile(
    r"(?<![\d:.])(\d{1,2})\s*[./]\s*(\d{1,2})(?:\s*[./]\s*(\d{4}|\d{2})?)?(?![\d:])"
    r"(?!\s*(?:uhr|h\b|am\b|pm\b))"
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:\.|st|nd|rd|th|er)?\s*(?:of\s+)?([a-zäö]+)\b")
_MONTH_DAY = re.compile(r"\b([a-zäö]+)\s+(\d{1,2})(?:st|nd|rd|th)?\b")

# "15:30", "15.30", French "15h30".
_CLOCK = r"(\d{1,2})(?:\s*(?:[:.]|h)\s*(\d{2}))?"
_UNIT = r"uhr|h\b|heures?\b"
_MERIDIEM = r"(?:(a\.?m\.?|p\.?m\.?)(?![a-zäöü]))"
_RANGE_LEADS = r"zwischen|von|between|from|entre|de|tra|fra|dalle|miedzy|od"
# "10 à 12", "10 alle 12", "10 do 12": only a range of hours, even without "h" or "Uhr".
_HOURS_ONLY_SEPARATORS = ("a", "alle", "do")
_RANGE_SEPARATORS = r"bis|to|till|until|and|und|a|et|e|alle|i|do"
_ARTICLE = r"(?:le\s+|les\s+)?"
_RANGE = re.compile(
    rf"(?:(?:{_RANGE_LEADS})\s*{_ARTICLE})?\s*{_CLOCK}\s*(?:{_UNIT})?\s*{_MERIDIEM}?\s*"
    rf"(-|–|(?:{_RANGE_SEPARATORS})\b)\s*{_ARTICLE}{_CLOCK}\s*({_UNIT})?\s*{_MERIDIEM}?"
)
# Words before a clock time, longest first where one begins another.
_CLOCK_LEADS = (
    "so um|um|gegen|ab|at|around|from|after|nach|bis|by|before|vor|"
    "a partir de|jusqu'a|d'ici|vers|des|apres|avant|a|"
    "verso le|verso|alle ore|alle|dalle|dopo le|dopo|entro le|entro|prima delle|fino alle|"
    "ore|per le|"
    "o godzinie|okolo|kolo|o|od|po|do|przed|na"
)
_CLOCK_TIME = re.compile(
    rf"(?:\b({_CLOCK_LEADS})\s+)?(?:godz\.?\s*)?{_CLOCK}\s*({_UNIT})?\s*{_MERIDIEM}?"
)


# --- parsing ----------------------------------------------------------------------------------


# French, Italian and Polish letters to plain ones; German umlauts and ß stay.
_FOLD = str.maketrans(
    "àâáèéêëìíîïòóôùúûçąćęłńśźż",
    "aaaeeeeiiiiooouuucacelnszz",
)


def _normalise(text: str) -> str:
    text = GREETING.sub("", text.strip(), count=1)
    text = text.lower().replace("’", "'").translate(_FOLD)
    text = re.sub(r"[!?,;\"“”„()]+", " ", text)
    return " ".join(text.split())


def _find_date(text: str, today: date) -> tuple[date | str | None, tuple[int, int] | None]:
    """An explicit date and where it is; ``"invalid"`` for an impossible one."""
    match = _ISO_DATE.search(text)
    if match:
        try:
            found = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return "invalid", match.span()
        return found, match.span()
    day = month = None
    year: int | None = None
    span: tuple[int, int] | None = None
    for match in _NUMERIC_DATE.finditer(text):
        first, second = int(match.group(1)), int(match.group(2))
        if 1 <= second <= 12 and 1 <= first <= 31:
            day, month, span = first, second, match.span()
            if match.group(3):
                year = int(match.group(3))
                year = year + 2000 if year < 100 else year
            break
    if day is None:
        for pattern, day_first in ((_DAY_MONTH, True), (_MONTH_DAY, False)):
            for match in pattern.finditer(text):
                word = match.group(2) if day_first else match.group(1)
                number = match.group(1) if day_first else match.group(2)
                if word in MONTH_WORDS:
                    day, month, span = int(number), MONTH_WORDS[word], match.span()
                    break
            if day is not None:
                break
    if day is None or month is None:
        return None, None
    try:
        if year is not None:
            return date(year, month, day), span
        candidate = date(today.year, month, day)
        if candidate < today and today - candidate > PAST_DATE_GRACE:
            candidate = date(today.year + 1, month, day)
    except ValueError:
        return "invalid", span
    return candidate, span


_PART_MORGEN = re.compile(
    r"\b(heute|heut|today|am|den|übermorgen|uebermorgen|"
    + "|".join(WEEKDAY_WORDS)
    + r"|\d{1,2}\.\d{1,2}\.?)\s+morgen\b"
)


# Before and after the midday meal: "avant midi" is the morning, "dopo pranzo" the afternoon.
_BEFORE_NOON = re.compile(
    r"\b(?:avant[\s-]midi|avant\s+le\s+dejeuner|prima\s+d(?:i|el)\s+(?:pranzo|mezzogiorno)|"
    r"przed\s+obiadem)\b"
)
_AFTER_LUNCH = re.compile(r"\b(?:apres\s+le\s+dejeuner|dopo\s+(?:il\s+)?pranzo|po\s+obiedzie)\b")


def _find_part(text: str) -> str | None:
    # "heute Morgen", "Samstag Morgen", "am Morgen": the morning, not tomorrow.
    if _PART_MORGEN.search(text) or _BEFORE_NOON.search(text):
        return "morning"
    if _AFTER_LUNCH.search(text):
        return "afternoon"
    for part, pattern in _PARTS:
        if pattern.search(text):
            return part
    return None


@dataclass(frozen=True)
class _Day:
    kind: str  # "today", "offset", "weekday", "date"
    value: object = None
    next_week: bool = False


def _find_day(text: str, found_date: date | None) -> _Day | None:
    if found_date is not None:
        return _Day("date", found_date)
    if _DAY_AFTER.search(text):
        return _Day("offset", 2)
    if _TOMORROW.search(_PART_MORGEN.sub(r"\1", text)):
        return _Day("offset", 1)
    if _TODAY.search(text):
        return _Day("today")
    next_week = bool(_NEXT.search(text))
    for word, weekday in WEEKDAY_WORDS.items():
        if re.search(rf"\b{word}\b", text):
            return _Day("weekday", weekday, next_week=next_week)
    match = re.search(r"\b(mo|di|mi|do|fr|sa|so)\.", text)
    if match:
        weekday = ["mo", "di", "mi", "do", "fr", "sa", "so"].index(match.group(1))
        return _Day("weekday", weekday, next_week=next_week)
    return None


_GERMAN_LEADS = ("um", "gegen", "ab", "nach", "so um")
# Polish leads that are English or German words too ("do", "o"): Polish only without "pm"/"Uhr".
_POLISH_LEADS = {"do", "po", "od", "o", "na", "przed"}
# Leads of an open end ("ab 14 Uhr") and of an end ("bis 15 Uhr"), per language.
_OPEN_LEADS = {"ab", "nach", "from", "after", "a partir de", "des", "apres"}
_OPEN_LEADS |= {"dalle", "dopo le", "dopo", "od", "po"}
_UNTIL_LEADS = {"bis", "by", "before", "vor", "avant", "jusqu'a", "d'ici"}
_UNTIL_LEADS |= {"entro le", "entro", "prima delle", "fino alle", "do", "przed"}


def _hour_24(hour: int, meridiem: str | None, part: str | None) -> int | None:
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour %= 12
        return hour + 12 if meridiem.startswith("p") else hour
    if hour > 24:
        return None
    if hour == 24:
        return 0
    if part in ("afternoon", "evening") and hour < 12:
        return hour + 12
    if 1 <= hour <= 7:  # "um 3": nobody books a technician for 3 in the night
        return hour + 12
    return hour


@dataclass(frozen=True)
class _Clock:
    start: time
    end: time | None  # None: a point in time (a 2-hour window)
    open_end: bool = False  # "ab 14 Uhr"


def _find_clock(text: str, part: str | None) -> _Clock | str | None:
    """A clock time or range in ``text`` (dates already blanked out); "invalid" if impossible."""
    for match in _RANGE.finditer(text):
        h1, m1, mer1, separator, h2, m2, unit2, mer2 = match.groups()
        led = re.match(rf"\s*(?:{_RANGE_LEADS})\b", match.group(0))
        hours_only = separator in _HOURS_ONLY_SEPARATORS
        if not (unit2 or mer1 or mer2 or m1 or m2 or led or hours_only):
            continue
        if unit2:
            mer1 = mer2 = None if (mer2 or "").startswith("a") else mer2
        first = _hour_24(int(h1), mer1 or mer2, part)
        second = _hour_24(int(h2), mer2, part)
        if first is None or second is None:
            return "invalid"
        if mer2 and not mer1 and first > second:  # "11-2 pm"
            first = int(h1) % 12
        try:
            start, end = time(first, int(m1 or 0)), time(second, int(m2 or 0))
        except ValueError:
            return "invalid"
        if end <= start:
            return "invalid"
        return _Clock(start, end)
    for match in _CLOCK_TIME.finditer(text):
        lead, hour, minutes, unit, meridiem = match.groups()
        lead = " ".join((lead or "").split())
        if lead in _POLISH_LEADS and (meridiem or (unit or "").startswith("uhr")):
            lead = ""  # English "do 3 pm", German "Do 14 Uhr": no Polish "until"
        if meridiem and meridiem.startswith("a") and (lead in _GERMAN_LEADS or unit):
            meridiem = None  # German "am": "um 10 am Samstag"
        if not (lead or unit or meridiem or minutes):
            continue
        hours = _hour_24(int(hour), meridiem, part)
        if hours is None:
            return "invalid"
        try:
            start = time(hours, int(minutes or 0))
        except ValueError:
            return "invalid"
        if lead in _UNTIL_LEADS:
            # "bis 15 Uhr": from the start of the day until then.
            if start <= time(DAY_HOURS[0]):
                return "invalid"
            return _Clock(time(DAY_HOURS[0]), start)
        return _Clock(start, None, open_end=lead in _OPEN_LEADS)
    return None


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def _window_on(day: date, part: str | None, clock: _Clock | None, zone: ZoneInfo) -> TimeWindow:
    if clock is not None:
        start = _at(day, clock.start, zone)
        if clock.end is not None:
            end = _at(day, clock.end, zone)
        elif clock.open_end:
            end = max(_at(day, time(DAY_HOURS[1]), zone), start + CLOCK_WINDOW)
        else:
            end = start + CLOCK_WINDOW
        return TimeWindow(start, end)
    first, last = PART_HOURS[part] if part else DAY_HOURS
    return TimeWindow(_at(day, time(first), zone), _at(day, time(last), zone))


def _round_up(moment: datetime, minutes: int = 5) -> datetime:
    moment = moment.replace(second=0, microsecond=0) + timedelta(
        minutes=0 if moment.second == 0 and moment.microsecond == 0 else 1
    )
    extra = (-moment.minute) % minutes
    return moment + timedelta(minutes=extra)


def _usable(window: TimeWindow, now: datetime, clip: bool) -> TimeWindow | None:
    """The window from now on, or None when (almost) nothing of it is left."""
    if window.end <= now:
        return None
    if window.start < now:
        if not clip:
            return None
        start = min(_round_up(now), window.end)
        if window.end - start < MIN_LEFT:
            return None
        return TimeWindow(start, window.end)
    return window


def parse_time_window(text: str | None, now: datetime, country: str | None = None) -> ParseResult:
    """The window the customer means, or the reason why there is none."""
    if not text or text.strip().startswith("/"):
        return ParseResult(None, UNKNOWN)
    zone = zone_for(country)
    now = now.astimezone(zone)
    today = now.date()
    words = _normalise(text)
    if not words:
        return ParseResult(None, UNKNOWN)

    if _YESTERDAY.search(words):
        return ParseResult(None, PAST)
    asap = bool(_ASAP.search(words))
    # "so früh wie möglich" is no morning.
    words = " ".join(_ASAP.sub(" ", words).split()) if asap else words
    found_date, span = _find_date(words, today)
    if found_date == "invalid":
        return ParseResult(None, UNKNOWN)
    part = _find_part(words)
    day = _find_day(words, found_date if isinstance(found_date, date) else None)
    # The date's digits are not a clock time ("am 12.12. um 15 Uhr").
    clock_text = words if span is None else words[: span[0]] + " " + words[span[1] :]
    clock = _find_clock(clock_text, part)
    if clock == "invalid":
        return ParseResult(None, UNKNOWN)
    assert not isinstance(clock, str)

    if day is None and part is None and clock is None:
        if asap:
            end = (now.astimezone(timezone.utc) + ASAP).astimezone(zone)
            return ParseResult(TimeWindow(now.replace(second=0, microsecond=0), end, asap=True))
        return ParseResult(None, UNKNOWN)

    # Parts and ranges that have begun are clipped; a point in time that has passed is gone.
    clip = clock is None or clock.end is not None or clock.open_end

    if day is None:
        # A part or a time without a day: today, or tomorrow when today's is over.
        for offset in (0, 1):
            window = _window_on(today + timedelta(days=offset), part, clock, zone)
            usable = _usable(window, now, clip)
            if usable:
                return ParseResult(usable)
        return ParseResult(None, PAST)

    if day.kind == "weekday":
        assert isinstance(day.value, int)
        ahead = (day.value - today.weekday()) % 7
        if day.next_week and ahead == 0:
            ahead = 7
        window = _window_on(today + timedelta(days=ahead), part, clock, zone)
        usable = _usable(window, now, clip)
        if usable is None and ahead == 0:
            usable = _window_on(today + timedelta(days=7), part, clock, zone)
        return _checked(usable, now)

    if day.kind == "today":
        target = today
    elif day.kind == "offset":
        assert isinstance(day.value, int)
        target = today + timedelta(days=day.value)
    else:
        assert isinstance(day.value, date)
        target = day.value
    window = _window_on(target, part, clock, zone)
    return _checked(_usable(window, now, clip), now)


def _checked(window: TimeWindow | None, now: datetime) -> ParseResult:
    if window is None:
        return ParseResult(None, PAST)
    if window.start - now > MAX_AHEAD:
        return ParseResult(None, TOO_FAR)
    return ParseResult(window)


# --- back to words ----------------------------------------------------------------------------

_WEEKDAY_SHORT = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "it": ("lun", "mar", "mer", "gio", "ven", "sab", "dom"),
    "pl": ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."),
}
_MONTH_SHORT = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
    "it": ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
}
_RELATIVE = {
    "de": {0: "heute", 1: "morgen", 2: "übermorgen"},
    "en": {0: "today", 1: "tomorrow"},
    "fr": {0: "aujourd’hui", 1: "demain", 2: "après-demain"},
    "it": {0: "oggi", 1: "domani", 2: "dopodomani"},
    "pl": {0: "dziś", 1: "jutro", 2: "pojutrze"},
}
_ASAP_WORDS = {
    "de": "so schnell wie möglich (innerhalb von 24 Stunden)",
    "en": "as soon as possible (within 24 hours)",
    "fr": "dès que possible (dans les 24 heures)",
    "it": "il prima possibile (entro 24 ore)",
    "pl": "jak najszybciej (w ciągu 24 godzin)",
}


def _date_words(moment: datetime, now: datetime, language: str) -> str:
    """ "morgen, Sa 29.11." / "tomorrow, Sat 29 Nov" / "demain, sam. 29 nov." /
    "domani, sab 29 nov" / "jutro, sob. 29.11"."""
    weekday = _WEEKDAY_SHORT[language][moment.weekday()]
    if language in _MONTH_SHORT:
        text = f"{weekday} {moment.day} {_MONTH_SHORT[language][moment.month - 1]}"
        if moment.year != now.year:
            text += f" {moment.year}"
    elif language == "pl":
        text = f"{weekday} {moment.day}.{moment.month:02d}"
        if moment.year != now.year:
            text += f".{moment.year}"
    else:
        text = f"{weekday} {moment.day}.{moment.month}."
        if moment.year != now.year:
            text += str(moment.year)
    relative = _RELATIVE[language].get((moment.date() - now.date()).days)
    return f"{relative}, {text}" if relative else text


def _clock_de(moment: datetime) -> str:
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"


def _clock_fr(moment: datetime) -> str:
    return f"{moment.hour}h" if moment.minute == 0 else f"{moment.hour}h{moment.minute:02d}"


def _clock_24(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _clock_en(moment: datetime, with_meridiem: bool = True) -> str:
    hour, minute = moment.hour, moment.minute
    if hour == 12 and minute == 0:
        return "noon"
    if hour == 0 and minute == 0:
        return "midnight"
    twelve = hour % 12 or 12
    text = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    if with_meridiem:
        text += " am" if hour < 12 else " pm"
    return text


def _hours_en(start: datetime, end: datetime) -> str:
    first, last = _clock_en(start), _clock_en(end)
    same_half = (start.hour < 12) == (end.hour < 12)
    if same_half and first not in ("noon", "midnight") and last not in ("noon", "midnight"):
        first = _clock_en(start, with_meridiem=False)
    return f"{first}–{last}"


def _clock(moment: datetime, language: str) -> str:
    """One clock time as the language writes it alone ("15 Uhr", "3 pm", "15h", "15:00")."""
    if language == "en":
        return _clock_en(moment)
    if language == "fr":
        return _clock_fr(moment)
    if language in ("it", "pl"):
        return _clock_24(moment)
    return f"{_clock_de(moment)} Uhr"


def _hours(start: datetime, end: datetime, language: str) -> str:
    """A range of hours on one day ("13–18 Uhr", "1–6 pm", "13h–18h", "13:00–18:00")."""
    if language == "en":
        return _hours_en(start, end)
    if language == "de":
        return f"{_clock_de(start)}–{_clock_de(end)} Uhr"
    return f"{_clock(start, language)}–{_clock(end, language)}"


def describe_window(start: datetime, end: datetime, now: datetime, language: str) -> str:
    """ "morgen, Sa 29.11., 13–18 Uhr" / "tomorrow, Sat 29 Nov, 1–6 pm" /
    "demain, sam. 29 nov., 13h–18h" / "domani, sab 29 nov, 13:00–18:00" /
    "jutro, sob. 29.11, 13:00–18:00"."""
    language = or_default(language)
    if language not in _WEEKDAY_SHORT:
        language = "de"
    if end - start >= ASAP - timedelta(hours=1):
        return _ASAP_WORDS[language]
    now = now.astimezone(start.tzinfo)
    end = end.astimezone(start.tzinfo)
    if start.date() != end.date():
        return (
            f"{_date_words(start, now, language)}, {_clock(start, language)} – "
            f"{_date_words(end, now, language)}, {_clock(end, language)}"
        )
    return f"{_date_words(start, now, language)}, {_hours(start, end, language)}"


def describe_iso(start: str | None, end: str | None, now: datetime, language: str) -> str | None:
    """``describe_window`` for the ISO strings kept in the slots; None when they are unusable."""
    if not start or not end:
        return None
    try:
        first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except (TypeError, ValueError):
        return None
    if first.tzinfo is None or last.tzinfo is None:
        return None
    return describe_window(first, last, now, language)
