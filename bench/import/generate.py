#!/usr/bin/env python3
"""Writes a subscriber CSV for bench/import: email,name,language with a header line.

    python3 bench/import/generate.py OUT.csv [ROWS]

Prints what an import of the file must report, as `rows N invalid N duplicates N unique N`.

Deterministic (fixed seed), so every run imports the same file. About 1% of the rows are invalid
addresses and about 1% repeat an earlier address (some with the domain in another case, which the
importer must still see as the same reader). Names are a mix of English and Arabic, some needing CSV
quoting (commas, quotes, a line break). The names are made up for this file.
"""
import random
import sys

out_path = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(20261124)

english_first = ["Amelia", "Ben", "Chloe", "Daniel", "Edith", "Felix", "Grace", "Hugo", "Isla", "Jonah",
                 "Keira", "Liam", "Maya", "Nathan", "Olive", "Peter", "Quinn", "Rosa", "Samuel", "Tessa",
                 "Umar", "Vera", "William", "Xenia", "Yusuf", "Zoe", "Aidan", "Bethany", "Callum", "Dina"]
english_last = ["Archer", "Bishop", "Carter", "Dalton", "Ellis", "Fletcher", "Garner", "Hughes", "Irving",
                "Jarvis", "Kemp", "Lowell", "Mercer", "Norris", "Osborne", "Prescott", "Quigley", "Rowe",
                "Sutton", "Thorne", "Upton", "Vaughan", "Whitlock", "Yates", "Ashworth", "Brook", "Crane"]
arabic_first = ["أحمد", "بشرى", "تامر", "ثريا", "جمال", "حنان", "خالد", "دعاء", "رامي", "زينب", "سامر",
                "شيماء", "صالح", "ضحى", "طارق", "عائشة", "غسان", "فاطمة", "قاسم", "كوثر", "لمى", "مازن",
                "نور", "هالة", "وليد", "ياسمين", "إياد", "أسماء", "بلال", "جود"]
arabic_last = ["الحسيني", "البرغوثي", "الخطيب", "الدباغ", "الراوي", "الزعبي", "السقا", "الشامي", "الصباغ",
               "الطحان", "العطار", "الفخراني", "القاضي", "الكيلاني", "اللبابيدي", "المصري", "النجار",
               "الهاشمي", "اليوسف", "حداد", "عيسى", "منصور", "سليمان", "شحادة", "بدران"]
latin_for_arabic = ["ahmad", "bushra", "tamer", "thuraya", "jamal", "hanan", "khaled", "duaa", "rami",
                    "zeinab", "samer", "shaimaa", "saleh", "doha", "tarek", "aisha", "ghassan", "fatima",
                    "qasem", "kawthar", "lama", "mazen", "nour", "hala", "walid", "yasmin", "iyad", "asmaa",
                    "bilal", "joud"]
domains = ["example.com", "example.org", "example.net", "mail.example", "post.example.co.uk",
           "inbox.example.info", "news-readers.example", "example.ae", "example.jo", "example.com.lb",
           "بريد.example", "mail.مثال.example"]
invalid = ["reader-at-example.com", "two@@example.com", "space in@example.com", "someone@localhost",
           "", "dots..twice@example.com", "trailing.@example.com", "@example.com", "name@-bad-.example",
           "name@example.123"]
languages = ["en"] * 45 + ["ar"] * 35 + ["both", "ar,en", "ar+en", "AR", "En", "both", "ar,en", "", "", ""] * 1
languages += [""] * 8


def quote(cell):
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


recent = []
counts = {"invalid": 0, "duplicates": 0}
with open(out_path, "w", encoding="utf-8", newline="") as out:
    out.write("email,name,language\r\n")
    for i in range(rows):
        roll = rng.random()
        lang = rng.choice(languages)
        if roll < 0.01:
            email = rng.choice(invalid)
            name = rng.choice(english_first)
            counts["invalid"] += 1
        elif roll < 0.02 and recent:
            counts["duplicates"] += 1
            email = rng.choice(recent)
            if "@" in email and rng.random() < 0.5:
                local, domain = email.split("@", 1)
                email = local + "@" + domain.upper()
            name = rng.choice(english_first)
        else:
            domain = rng.choice(domains)
            if rng.random() < 0.45:
                k = rng.randrange(len(arabic_first))
                first, last = arabic_first[k], rng.choice(arabic_last)
                local = f"{latin_for_arabic[k]}.{i}"
                name = f"{first} {last}"
            else:
                first, last = rng.choice(english_first), rng.choice(english_last)
                local = f"{first.lower()}.{last.lower()}{i}"
                shape = rng.random()
                if shape < 0.03:
                    name = f"{last}, {first}"
                elif shape < 0.04:
                    name = f'{first} "{last[0]}." {last}'
                elif shape < 0.041:
                    name = f"{first}\r\n{last}"
                else:
                    name = f"{first} {last}"
            if rng.random() < 0.05:
                name = ""
            email = f"{local}@{domain}"
            recent.append(email)
            if len(recent) > 1000:
                recent.pop(rng.randrange(len(recent)))
        out.write(quote(email) + "," + quote(name) + "," + quote(lang) + "\r\n")

unique = rows - counts["invalid"] - counts["duplicates"]
print(f"rows {rows} invalid {counts['invalid']} duplicates {counts['duplicates']} unique {unique}")
