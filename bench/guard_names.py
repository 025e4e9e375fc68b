"""Makes the guard's word lists in portal/data from Faker's providers: given-names.txt.gz, surnames.txt.gz and
common-words.txt.gz (ordinary English words, which start sentences in capitals but are not names).

Run once, by hand, in a throwaway environment: `pip install faker==40.54.0 && python -m bench.guard_names`. The
lists are Faker's (MIT licence, copyright Daniele Faraglia and contributors): the English (British, Irish,
American) and Polish providers' given names and surnames, lower-cased, single words only, without the given names
that are ordinary English words people start sentences with ("Will", "May", "Hope"), with a few short forms and
names Faker lacks; and the English lorem provider's word list. The portal never imports Faker.
"""

import gzip
import importlib
from pathlib import Path

LOCALES = ("en_GB", "en_IE", "en_US", "pl_PL")
NOT_GIVEN_NAMES = {
    "april", "august", "bill", "case", "chase", "christian", "dawn", "don", "faith", "frank", "grace", "guy",
    "hope", "hunter", "ivy", "joy", "june", "king", "major", "mark", "may", "miles", "pat", "ray", "rich", "rob",
    "rose", "ruby", "sandy", "stone", "sue", "summer", "will", "royal", "autumn", "victoria", "chester",
}  # fmt: skip
MORE_GIVEN_NAMES = {
    "abdul", "ahmed", "ali", "andy", "colette", "dave", "gaz", "jimmy", "kev", "mick", "mike", "mo", "mohammed",
    "muhammad", "steve", "tommy", "tony",
}  # fmt: skip
DATA = Path(__file__).resolve().parent.parent / "portal" / "data"


def names():
    given, surnames = set(), set()
    for locale in LOCALES:
        provider = importlib.import_module("faker.providers.person.%s" % locale).Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            given.update(name.lower() for name in getattr(provider, attribute, ()) if " " not in name)
        surnames.update(name.lower() for name in provider.last_names if " " not in name)
    return sorted((given | MORE_GIVEN_NAMES) - NOT_GIVEN_NAMES), sorted(surnames)


def common_words():
    return sorted(importlib.import_module("faker.providers.lorem.en_US").Provider.word_list)


def write(path, words):
    with gzip.GzipFile(path, "wb", mtime=0) as file:  # mtime 0: the same lists make the same bytes
        file.write(("\n".join(words) + "\n").encode())


if __name__ == "__main__":
    given, surnames = names()
    write(DATA / "given-names.txt.gz", given)
    write(DATA / "surnames.txt.gz", surnames)
    write(DATA / "common-words.txt.gz", common_words())
    print("%d given names, %d surnames" % (len(given), len(surnames)))
