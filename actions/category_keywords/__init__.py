"""The words behind the job category, one module per language: data only.

The logic is actions/categories.py.

Each table maps a category to ``{keyword: weight}``; categories.py merges the tables into one
(``categories.KEYWORDS``), because the scorer does not know a first message's language (a Swiss
customer writes "mein Natel", a customer in Lugano "il mio PC"), and a keyword listed by two
tables keeps its higher weight.

Weights:

- 1: the word points at one category ("Drucker", "imprimante", "drukarka");
- 0.5: it leans towards the category but also occurs elsewhere ("Passwort", "Update", "app",
  "Telefon", "réseau", "rete", "sieć");
- 2, only under "other": a device outside the six areas ("Waschmaschine", "vélo", "pralka"). It
  outweighs the generic words next to it ("Software", "App", "WLAN"), so the bot asks with
  "Something else" among the choices: "other" is never inferred.

A category is taken when it scores at least 1 and leads the runner-up by at least 0.5; each word
of a message counts once per category, with its best keyword.

Spelling: write a keyword as ``categories.normalise`` leaves a message: lower case, "ä ö ü ß" as
"ae oe ue ss", no accents ("é" -> "e", "ę" -> "e", "ż" -> "z", "ł" -> "l"), words separated by
one space (hyphens and apostrophes are spaces: "e bike", "l imprimante"). Then "światłowód" and
"swiatlowod" are one keyword. tests/actions/test_categories.py checks the spelling.

How a keyword matches a word of the message (categories._word_matches):

- the same word; the start of a word for keywords of four letters or more ("drukar" matches
  "drukarka", "drukarke", "drukarce", "drukarki"); the end of a word from five letters (German
  compounds: "Druckerpatrone"); one typo from six letters, two from nine, first letter right.
  So a stem is enough for inflected languages (Polish, Italian): list the stem, not every form,
  and only the forms whose stem changes ("pralka", "=pralce");
- "=word": the whole word only ("=tele", or "tele" would match "téléphone"); "word*": the whole
  word or the start of one, no typos, no suffix;
- keywords with a space ("barre de son") match as a phrase and add to their words' own weights.

Collisions between languages: a stem must not be the start of a common word of another language
("pilot", the Polish TV remote, vs French "piloter le chauffage": whole words only; Italian
"camera" is a room, the English camera stays 0.5; French "portable" is a mobile phone, but
"ordinateur portable" a laptop; French "four" (oven) is English "four": not listed).

Adding a language: a module here with the seven categories, added to ``TABLES``, a held-out file
tests/nlu_heldout/first_messages_<lang>.yml written before the table and never tuned on, a dev
file to tune on (tools/category_accuracy.py prints both), and a few test rows.
"""

from __future__ import annotations

from actions.category_keywords import french, german_english, italian, polish

Table = dict[str, dict[str, float]]

# Every language's table; categories.py merges them.
TABLES: tuple[Table, ...] = (german_english.TABLE, french.TABLE, italian.TABLE, polish.TABLE)
