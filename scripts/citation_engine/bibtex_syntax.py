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

Problems are collected, never raised: a broken entry is skipped to the next line that
starts with ``@``, and the rest of the file is still read.
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
# BibTeX's identifiers: no whitespace and none of  " # % ' ( ) , = { }
_NAME_RE: Final = re.compile(r"[^\s\"#%'(),={}]+")
_NUMBER_RE: Final = re.compile(r"[0-9]+")
# Entry keys: BibTeX stops a key at whitespace, a comma or the closing delimiter.
_KEY_RE: Final = re.compile(r"[^\s,{}()\"#%'=]+")
_ENTRY_START_RE: Final = re.compile(r"^[ \t]*@", re.MULTILINE)
_SPACE_RE: Final = re.compile(r"\s+")
# What ends or nests a braced value: a brace, or an "@" that starts a line.
_BRACED_STOP_RE: Final = re.compile(r"[{}]|^[ \t]*@", re.MULTILINE)


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
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, position: int) -> int:
        return bisect.bisect_right(self._line_starts, position)

    def problem(self, position: int, message: str) -> None:
        self.problems.append(Problem(SourceLocation(self.path, self.line(position)), message))

    # -- top level ---------------------------------------------------------------------

    def read(self) -> ParsedFile:
        text = self.text
        while True:
            at = text.find("@", self.pos)
            self._check_outside(self.pos, len(text) if at < 0 else at)
            if at < 0:
                break
            self.pos = at + 1
            try:
                self._block(at)
            except _SyntaxProblemError as error:
                self.problem(error.position, error.message)
                self.pos = error.resume if error.resume is not None else self._next_entry(at)
        return ParsedFile(self.entries, self.problems)

    def _check_outside(self, start: int, end: int) -> None:
        """Text between entries is a comment; a ``}`` there means an entry closed early.

        Only the first such line of a gap is reported: the rest follows from it.
        """
        for match in re.finditer(r"[^\n]*", self.text[start:end]):
            line_text = match.group().strip()
            if "}" in line_text and not line_text.startswith("%"):
                self.problem(
                    start + match.start(),
                    f"text outside any entry: '{_shorten(line_text)}' "
                    "(a brace closed the entry before its end? BibTeX counts every brace, "
                    "\\{ and \\} too)",
                )
                return

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
            raise _SyntaxProblemError(at, f"'@{kind}' is not followed by '{{' or '('")
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
        for index in range(self.pos + 1, len(self.text)):
            char = self.text[index]
            if char == closer and depth == 0:
                self.pos = index + 1
                return
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
        raise _SyntaxProblemError(at, f"'@{kind}' block is never closed", resume=len(self.text))

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
            raise _SyntaxProblemError(at, f"'@{kind}' entry has no key")
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
            self._expect("=", f"after field '{name_match.group()}' of entry '{entry.key}'")
            value = self._value(name_match.group(), at, entry.key)
            entry.fields.append(RawField(name_match.group(), value, self.line(field_start)))
            self._skip_space()
        self.entries.append(entry)

    # -- values ------------------------------------------------------------------------

    def _value(self, field_name: str, at: int, key: str | None = None) -> str:
        where = f"entry '{key}': field '{field_name}'" if key else f"@string '{field_name}'"
        parts: list[str] = []
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
                    raise _SyntaxProblemError(
                        self.pos, f"{where} uses '{name.group()}', which no @string defines"
                    )
                parts.append(self.macros[macro])
                self.pos = name.end()
            else:
                found = char or "the end of the file"
                raise _SyntaxProblemError(self.pos, f"{where} has no value (found '{found}')")
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

    def _quoted(self, where: str) -> str:
        start = self.pos
        depth = 0
        for index in range(start + 1, len(self.text)):
            char = self.text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    raise _SyntaxProblemError(index, f"{where}: '}}' without '{{' inside quotes")
            elif char == '"' and depth == 0:
                self.pos = index + 1
                return self.text[start + 1 : index]
            elif char == "@" and self._starts_line(index):
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
        line_start = self.text.rfind("\n", 0, index) + 1
        return not self.text[line_start:index].strip()

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
