"""The Chinese catalogue is complete, reviewed, and compiled from the .po that is committed."""

import ast
import gettext
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.environment import require

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 when not plural
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def catalog_items(self):
        """What `msgfmt` writes for this entry, keyed as gettext.GNUTranslations keys it."""
        msgid = self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"
        if self.msgid_plural is None:
            yield msgid, self.msgstr[0]
        else:
            for n, text in self.msgstr.items():
                yield (msgid, n), text


def parse_po(text: str) -> list[Entry]:
    """A small PO reader: msgctxt, msgid, msgid_plural, msgstr[n], flags, continued strings.

    Obsolete entries (`#~`) are not part of the catalogue and are skipped.
    """
    entries: list[Entry] = []
    flags: set[str] = set()
    entry: Entry | None = None
    has_msgid = False
    target: tuple[str, int] | None = None  # the keyword that a continued string extends

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            target = None
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"django.po:{lineno}: stray string"
            keyword, index = target
        else:
            keyword, _, line = line.partition(" ")
            index = 0
            if keyword.startswith("msgstr[") and keyword.endswith("]"):
                keyword, index = "msgstr", int(keyword[len("msgstr[") : -1])
            assert keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}, (lineno, keyword)
            if keyword == "msgctxt" or (keyword == "msgid" and (entry is None or has_msgid)):
                entry = Entry(line=lineno, flags=flags)
                entries.append(entry)
                flags, has_msgid = set(), False
            assert entry is not None, f"django.po:{lineno}: {keyword} before any msgid"
            has_msgid = has_msgid or keyword == "msgid"
            target = (keyword, index)
        value = ast.literal_eval(line)
        if keyword == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        else:
            setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    parsed = parse_po(PO.read_text(encoding="utf-8"))
    assert len(parsed) > 50, "the parser found too few entries to be reading the file right"
    return parsed


def test_the_parser_reads_plurals_contexts_and_continued_lines():
    sample = (
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "One"\nmsgstr "一"\n\n'
        '#, python-format\nmsgid "%(n)s member"\nmsgid_plural "%(n)s members"\n'
        'msgstr[0] "%(n)s 位"\n"成员"\n\n'
        'msgctxt "verb"\nmsgid "Post"\nmsgstr ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "走了"\n'
    )
    header, one, plural, post = parse_po(sample)
    assert header.is_header and header.fuzzy and header.msgstr[0] == "Language: zh_Hans\n"
    assert (one.msgid, one.msgstr, one.fuzzy) == ("One", {0: "一"}, False)
    assert plural.msgid_plural == "%(n)s members"
    assert plural.msgstr == {0: "%(n)s 位成员"}
    assert plural.flags == {"python-format"}
    assert (post.msgctxt, post.msgid, post.msgstr) == ("verb", "Post", {0: ""})


def test_every_message_is_translated(entries):
    untranslated = [
        f"django.po:{e.line}: {e.msgid!r}"
        for e in entries
        if not e.is_header and not e.fuzzy and not all(e.msgstr.values())
    ]
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


def test_no_translation_is_left_fuzzy(entries):
    """makemessages marks a guessed translation fuzzy; gettext then ignores it. Review it,
    then remove the flag. (The header's fuzzy flag is makemessages' default and harmless.)"""
    fuzzy = [f"django.po:{e.line}: {e.msgid!r}" for e in entries if e.fuzzy and not e.is_header]
    assert not fuzzy, "fuzzy, so not shown to residents:\n" + "\n".join(fuzzy)


def _catalog(path: Path) -> dict:
    with path.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)


def _differences(expected: dict, actual: dict) -> list[str]:
    keys = sorted(set(expected) | set(actual), key=repr)
    return [
        f"{key!r}: .po says {expected.get(key)!r}, .mo says {actual.get(key)!r}"
        for key in keys
        if key != "" and expected.get(key) != actual.get(key)
    ][:20]


def test_the_committed_mo_is_compiled_from_the_committed_po(tmp_path, entries):
    """A .po edited without `make messages` leaves residents reading the old words."""
    committed = _catalog(MO)
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        fresh = tmp_path / "django.mo"
        subprocess.run(
            [msgfmt, "--check-format", "-o", str(fresh), str(PO)],
            check=True,
            capture_output=True,
        )
        expected = _catalog(fresh)
    else:  # compare with what the .po says, as msgfmt would compile it (no fuzzy entries)
        expected = {
            key: text
            for e in entries
            if not e.is_header and not e.fuzzy
            for key, text in e.catalog_items()
            if text
        }
    stale = _differences(expected, committed)
    assert not stale, "django.mo is out of date: run `make messages`\n" + "\n".join(stale)


def test_the_po_parser_and_msgfmt_agree(tmp_path, entries):
    """Guards the parser above: it must see the same catalogue as gettext's own tools."""
    msgfmt = shutil.which("msgfmt")
    require(bool(msgfmt), "msgfmt (apt-get install gettext)")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(fresh), str(PO)], check=True, capture_output=True)
    parsed = {
        key: text
        for e in entries
        if not e.is_header and not e.fuzzy
        for key, text in e.catalog_items()
        if text
    }
    assert not _differences(parsed, _catalog(fresh))


def test_chinese_is_what_residents_read():
    with translation.override("zh-hans"):
        text = translation.gettext("Please choose your building.")
    assert text == "请选择您的楼栋。"
    with translation.override("en"):
        assert translation.gettext("Please choose your building.") == (
            "Please choose your building."
        )
