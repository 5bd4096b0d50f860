r"""Read BibTeX text the way BibTeX reads it: entries, fields, ``@string``, ``#``, months.

The rules are BibTeX's own (Patashnik, "BibTeXing", 1988; the grammar in ``bibtex.web``),
so that a file means the same here as in BibTeX, pybtex and every reader built like them:

- Text outside entries is a comment. ``@comment`` and ``@preamble`` blocks are skipped.
- A braced value ends at the brace that balances its opening one. Every brace counts,
  ``\{`` and ``\}`` included: a backslash does not escape a brace in BibTeX.
- A quoted value ends at a ``"`` outside braces. Braces inside it must balance.
- A value is one or more parts joined by ``#``: braced or quoted text, a number, or the
  name of a macro (``@string``, or the twelve month macros every BibTeX style defines).
- Names of types, fields and macros are case-insensitive.

Where BibTeX and Pandoc read past something, so does this reader: a line between entries
whose first character is ``%`` (Pandoc's comment, even holding an ``@``) and a ``%``
comment between the fields of an entry are skipped; a stray ``}`` between entries and a
macro no ``@string`` defines (kept as its name, as Pandoc keeps it) are warnings.

Problems are collected, never raised: a broken entry is skipped to the next line that
starts with ``@``, and the rest of the file is still read.

Every step is linear in the size of the text, and a file cannot ask for more than it
holds: a value (with its macros expanded) is at most ``MAX_VALUE_LENGTH`` characters, and
braces nest at most ``MAX_NESTING`` deep, so nothing downstream (the LaTeX decoder, the
name splitter) meets a value that exhausts memory or Python's stack.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Final

from citation_engine.errors import Problem, SourceLocation

# The month macros of the standard styles (plain.bst and the others): jan -> "January".
MONTH_MACROS: Final = {
    name[:3].lower(): name
    for name in (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
}
# BibTeX's own buffers hold tens of kilobytes; no real field comes near this, and a file of
# doubling @string definitions (a1 = a0 # a0, ...) stops here instead of filling memory.
MAX_VALUE_LENGTH: Final = 100_000
# Real files nest braces a few levels deep; the LaTeX decoder recurses once per level.
MAX_NESTING: Final = 100
# Keys are short; every message names the key, so a longer one is refused.
MAX_KEY_LENGTH: Final = 200
# A file this broken is not BibTeX: reading stops, so the report stays readable.
MAX_ERRORS: Final = 100
# BibTeX's identifiers: no whitespace and none of  " # % ' ( ) , = { }
_NAME_RE: Final = re.compile(r"[^\s\"#%'(),={}]+")
_NUMBER_RE: Final = re.compile(r"[0-9]+")
# Entry keys: BibTeX stops a key at whitespace, a comma or the closing delimiter.
_KEY_RE: Final = re.compile(r"[^\s,{}()\"#%'=]+")
_ENTRY_START_RE: Final = re.compile(r"^[ \t]*@", re.MULTILINE)
# Space between the parts of an entry; a "%" there starts a comment to the end of the line
# (Pandoc skips a commented-out field; BibTeX would stop at it).
_SPACE_RE: Final = re.compile(r"(?:\s|%[^\n]*)+")
# What ends or nests a braced value: a brace, or an "@" that starts a line.
_BRACED_STOP_RE: Final = re.compile(r"[{}]|^[ \t]*@", re.MULTILINE)
# The same for a quoted value, which also ends at a '"'.
_QUOTED_STOP_RE: Final = re.compile(r'[{}"]|^[ \t]*@', re.MULTILINE)
_BLOCK_STOP_RE: Final = re.compile(r"[{})]")
_LINE_INDENT_RE: Final = re.compile(r"[ \t]*")


@dataclass
class RawField:
    """One field as written: its name as spelled, its value with macros and ``#`` resolved."""

    name: str
    value: str
    line: int


@dataclass
class RawEntry:
    """One entry in file order: type and key as written, fields in the order given."""

    entry_type: str
    key: str
    line: int
    fields: list[RawField] = field(default_factory=list)


@dataclass
class ParsedFile:
    """What a BibTeX text holds: its entries, and every problem met reading it."""

    entries: list[RawEntry]
    problems: list[Problem]


class _SyntaxProblemError(Exception):
    def __init__(self, position: int, message: str, resume: int | None = None) -> None:
        super().__init__(message)
        self.position = position
        self.message = message
        self.resume = resume


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.pos = 0
        self.macros: dict[str, str] = dict(MONTH_MACROS)
        self.entries: list[RawEntry] = []
        self.problems: list[Problem] = []
        self.errors = 0
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, position: int) -> int:
        return bisect.bisect_right(self._line_starts, position)

    def problem(self, position: int, message: str, *, warning: bool = False) -> None:
        location = SourceLocation(self.path, self.line(position))
        self.problems.append(Problem(location, message, warning))

    # -- top level ---------------------------------------------------------------------

    def read(self) -> ParsedFile:
        text = self.text
        while True:
            at = text.find("@", self.pos)
            self._check_outside(self.pos, len(text) if at < 0 else at)
            if at < 0:
                break
            if self._in_comment_line(at):
                end = text.find("\n", at)
                self.pos = len(text) if end < 0 else end
                continue
            self.pos = at + 1
            try:
                self._block(at)
            except _SyntaxProblemError as error:
                self.problem(error.position, error.message)
                self.pos = error.resume if error.resume is not None else self._next_entry(at)
                self.errors += 1
                if self.errors == MAX_ERRORS:
                    message = f"{MAX_ERRORS} syntax errors: the rest of the file is not read"
                    self.problem(self.pos, message)
                    break
        return ParsedFile(self.entries, self.problems)

    def _check_outside(self, start: int, end: int) -> None:
        """Skip text between entries (a comment), warning once about a ``}`` in it.

        A brace there may mean an entry closed early; BibTeX, biber and Pandoc skip it.
        Only the first such line of a gap is reported: the rest follows from it.
        """
        brace = self.text.find("}", start, end)
        while brace >= 0:
            line_start = self.text.rfind("\n", start, brace) + 1
            line_end = self.text.find("\n", brace, end)
            line_end = end if line_end < 0 else line_end
            line_text = self.text[max(line_start, start) : line_end].strip()
            if not line_text.startswith("%"):
                self.problem(
                    brace,
                    f"text outside any entry is skipped: '{_shorten(line_text)}' "
                    "(a brace closed the entry before its end? BibTeX counts every brace, "
                    "\\{ and \\} too)",
                    warning=True,
                )
                return
            brace = self.text.find("}", line_end, end)

    def _in_comment_line(self, at: int) -> bool:
        """Whether the ``@`` at ``at`` is on a line that starts with ``%`` (Pandoc skips it)."""
        indent = _LINE_INDENT_RE.match(self.text, self._line_start(at))
        first = indent.end() if indent else at
        return first < at and self.text[first] == "%"

    def _line_start(self, position: int) -> int:
        return self._line_starts[self.line(position) - 1]

    def _next_entry(self, after: int) -> int:
        match = _ENTRY_START_RE.search(self.text, after + 1)
        return match.start() if match else len(self.text)

    def _block(self, at: int) -> None:
        self._skip_space()
        kind_match = _NAME_RE.match(self.text, self.pos)
        if not kind_match:
            raise _SyntaxProblemError(at, "'@' is not followed by an entry type")
        kind = kind_match.group()
        self.pos = kind_match.end()
        lowered = kind.lower()
        if lowered == "comment":
            self._skip_space()
            if self._peek() in "{(":
                self._delimited_block(at, kind)
            return
        self._skip_space()
        opener = self._peek()
        if opener not in ("{", "("):
            raise _SyntaxProblemError(at, f"'@{_shorten(kind)}' is not followed by '{{' or '('")
        closer = "}" if opener == "{" else ")"
        self.pos += 1
        if lowered == "preamble":
            self.pos -= 1
            self._delimited_block(at, kind)
        elif lowered == "string":
            self._string(at, closer)
        else:
            self._entry(at, kind, closer)

    def _delimited_block(self, at: int, kind: str) -> None:
        closer = "}" if self._peek() == "{" else ")"
        depth = 0
        for match in _BLOCK_STOP_RE.finditer(self.text, self.pos + 1):
            char = match.group()
            if char == closer and depth == 0:
                self.pos = match.end()
                return
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
        raise _SyntaxProblemError(
            at, f"'@{_shorten(kind)}' block is never closed", resume=len(self.text)
        )

    def _string(self, at: int, closer: str) -> None:
        self._skip_space()
        name_match = _NAME_RE.match(self.text, self.pos)
        if not name_match:
            raise _SyntaxProblemError(self.pos, "@string without a name")
        self.pos = name_match.end()
        self._expect("=", "after the @string name")
        value = self._value(name_match.group(), at)
        self._skip_space()
        self._expect(closer, "to close the @string")
        self.macros[name_match.group().lower()] = value

    def _entry(self, at: int, kind: str, closer: str) -> None:
        self._skip_space()
        key_match = _KEY_RE.match(self.text, self.pos)
        if not key_match:
            raise _SyntaxProblemError(at, f"'@{_shorten(kind)}' entry has no key")
        if len(key_match.group()) > MAX_KEY_LENGTH:
            raise _SyntaxProblemError(
                at,
                f"the key '{_shorten(key_match.group())}' is {len(key_match.group()):,} "
                f"characters long; a key holds at most {MAX_KEY_LENGTH}",
            )
        entry = RawEntry(kind, key_match.group(), self.line(at))
        self.pos = key_match.end()
        self._skip_space()
        while True:
            if self._peek() == closer:
                self.pos += 1
                break
            if self._peek() == "@" and self._starts_line(self.pos):
                raise _SyntaxProblemError(
                    at,
                    f"entry '{entry.key}' is not closed before the next entry at line "
                    f"{self.line(self.pos)} (is a brace in one of its fields unbalanced?)",
                    resume=self.pos,
                )
            if self._peek() != ",":
                found = self._peek() or "the end of the file"
                raise _SyntaxProblemError(
                    self.pos,
                    f"entry '{entry.key}': expected ',' or '{closer}' but found '{found}'",
                )
            self.pos += 1
            self._skip_space()
            if self._peek() == closer:
                self.pos += 1
                break
            field_start = self.pos
            name_match = _NAME_RE.match(self.text, self.pos)
            if not name_match:
                found = self._peek() or "the end of the file"
                raise _SyntaxProblemError(
                    self.pos, f"entry '{entry.key}': expected a field name but found '{found}'"
                )
            self.pos = name_match.end()
            field_name = _shorten(name_match.group())
            self._expect("=", f"after field '{field_name}' of entry '{entry.key}'")
            value = self._value(name_match.group(), field_start, entry.key)
            entry.fields.append(RawField(name_match.group(), value, self.line(field_start)))
            self._skip_space()
        self.entries.append(entry)

    # -- values ------------------------------------------------------------------------

    def _value(self, field_name: str, at: int, key: str | None = None) -> str:
        """The value after ``=``; ``at`` is where its field or ``@string`` starts."""
        shown = _shorten(field_name)
        where = f"entry '{key}': field '{shown}'" if key else f"@string '{shown}'"
        parts: list[str] = []
        length = 0
        while True:
            self._skip_space()
            char = self._peek()
            if char == "{":
                parts.append(self._braced(where))
            elif char == '"':
                parts.append(self._quoted(where))
            elif number := _NUMBER_RE.match(self.text, self.pos):
                parts.append(number.group())
                self.pos = number.end()
            elif name := _NAME_RE.match(self.text, self.pos):
                macro = name.group().lower()
                if macro not in self.macros:
                    self.problem(
                        self.pos,
                        f"{where} uses '{_shorten(name.group())}', which no @string defines; "
                        "it is read as the text itself, as Pandoc reads it",
                        warning=True,
                    )
                parts.append(self.macros.get(macro, name.group()))
                self.pos = name.end()
            else:
                found = char or "the end of the file"
                raise _SyntaxProblemError(self.pos, f"{where} has no value (found '{found}')")
            length += len(parts[-1])
            if length > MAX_VALUE_LENGTH:
                raise _SyntaxProblemError(
                    at,
                    f"{where} is longer than {MAX_VALUE_LENGTH:,} characters once its macros "
                    "are expanded (BibTeX's own buffers hold tens of thousands); shorten it",
                    resume=self._next_entry(self.pos),
                )
            self._skip_space()
            if self._peek() != "#":
                return "".join(parts)
            self.pos += 1

    def _braced(self, where: str) -> str:
        start = self.pos
        depth = 0
        for match in _BRACED_STOP_RE.finditer(self.text, start):
            char = match.group()
            if char == "{":
                depth += 1
                if depth > MAX_NESTING:
                    raise self._too_deep(where, start, match.start())
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.pos = match.end()
                    return self.text[start + 1 : match.start()]
            else:
                at = match.end() - 1
                raise _SyntaxProblemError(
                    start,
                    f"{where}: the brace opened here is not closed before the next entry "
                    f"at line {self.line(at)}",
                    resume=at,
                )
        raise _SyntaxProblemError(
            start, f"{where}: the brace opened here is never closed", resume=len(self.text)
        )

    def _too_deep(self, where: str, start: int, position: int) -> _SyntaxProblemError:
        return _SyntaxProblemError(
            position,
            f"{where}: braces are nested more than {MAX_NESTING} levels deep "
            f"(the value starts at line {self.line(start)})",
            resume=self._next_entry(position),
        )

    def _quoted(self, where: str) -> str:
        start = self.pos
        depth = 0
        for match in _QUOTED_STOP_RE.finditer(self.text, start + 1):
            char = match.group()
            index = match.start()
            if char == "{":
                depth += 1
                if depth > MAX_NESTING:
                    raise self._too_deep(where, start, index)
            elif char == "}":
                depth -= 1
                if depth < 0:
                    raise _SyntaxProblemError(index, f"{where}: '}}' without '{{' inside quotes")
            elif char == '"':
                if depth == 0:
                    self.pos = index + 1
                    return self.text[start + 1 : index]
            else:
                index = match.end() - 1
                raise _SyntaxProblemError(
                    start,
                    f"{where}: the quote opened here is not closed before the next entry "
                    f"at line {self.line(index)}",
                    resume=index,
                )
        raise _SyntaxProblemError(
            start, f"{where}: the quote opened here is never closed", resume=len(self.text)
        )

    # -- small helpers -----------------------------------------------------------------

    def _starts_line(self, index: int) -> bool:
        indent = _LINE_INDENT_RE.match(self.text, self._line_start(index))
        return indent is not None and indent.end() == index

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip_space(self) -> None:
        match = _SPACE_RE.match(self.text, self.pos)
        if match:
            self.pos = match.end()

    def _expect(self, char: str, context: str) -> None:
        self._skip_space()
        if self._peek() != char:
            found = self._peek() or "the end of the file"
            raise _SyntaxProblemError(self.pos, f"expected '{char}' {context} but found '{found}'")
        self.pos += 1


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_bibtex(text: str, path: str) -> ParsedFile:
    """Read every entry of ``text``; ``path`` is how problems name the file."""
    return _Reader(text, path).read()
