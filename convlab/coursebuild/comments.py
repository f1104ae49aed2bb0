"""Comments and docstrings of lesson code cells: extraction for translators, rendering.

A student reads the comments and docstrings of the code cells (the docstring
of the function an exercise asks for is its specification), so they are
translated like the markdown: each comment block and each docstring is one
message of the lesson's catalog, and the build writes the translation in
place, leaving every code token as it is (:func:`code_tokens` is the same in
every language).

Found with the standard library's :mod:`tokenize` and :mod:`ast`, never with
regular expressions over the source:

* a *comment block* is a run of whole-line comments at the same column on
  consecutive lines (one message, its lines joined by spaces; the translation
  is wrapped again to :data:`WIDTH` display columns); a comment after code on
  the same line is a message of its own and stays on its line (it may then
  pass :data:`WIDTH`: moving it would change the lines of code);
* a *docstring* is the first string statement of a cell (the "Check that ..."
  line of a test cell), a function or a class; its lines are kept as lines,
  and a translated line longer than :data:`WIDTH` is wrapped.

Not messages: nbgrader's markers (``### BEGIN SOLUTION`` ...), pragmas
(``# noqa: E402``, ``# type: ignore``; a pragma's explanation after `` - `` is
a message), ``# TRANSLATORS:`` notes (they reach translators as ``#.``
comments of the ``tr()`` string below them), the comments the build makes of IPython magics, and comments that
are only code (they parse as Python and use only names of the lesson's code,
such as ``# sigma = 1``).
"""

from __future__ import annotations

import ast
import dataclasses
import io
import re
import threading
import tokenize

#: A comment above a tr() call that starts so reaches translators as a ``#.`` comment
#: (the lessons' extraction); it is a note, never a message of its own here.
TRANSLATOR_TAG = "TRANSLATORS:"

__all__ = [
    "CodeText",
    "WIDTH",
    "extract",
    "translate_source",
    "code_tokens",
    "problem",
]

#: Longest line (in display columns) a translated comment is wrapped to (ruff's line-length).
WIDTH = 100

_MARKER = re.compile(r"^#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")
_PRAGMA = re.compile(
    r"^(?P<pragma>(noqa|NOQA)(:\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(\[[^\]]*\])?"
    r"|pragma:\s*no ?cover|fmt:\s*(off|on|skip)|isort:\s*skip|ruff:\s*noqa)"
    r"(?P<rest>.*)$"
)
_RULE_CHARS = "-=#*~"
_CJK = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A line never breaks inside an ASCII (...) or [...] group (a shape, an index) nor a word.
_UNITS = re.compile(
    rf"[^\s{_CJK}]*(?:\([^()]*\)|\[[^\[\]]*\])[^\s{_CJK}]*|[{_CJK}]|[^\s{_CJK}]+|\s+"
)
#: Characters a line must not start with (Japanese line breaking rules, simplified).
_BREAK_AFTER = ("、", "。", "：", "）")
_PHRASE_END = re.compile(r"[はがをにでとへも](?=[\u30a0-\u30ff\u4e00-\u9fff0-9A-Za-z(])")
_NO_START = set("、。，．・：；？！）」』】〕ー」ぁぃぅぇぉっゃゅょァィゥェォッャュョ")


@dataclasses.dataclass(frozen=True)
class CodeText:
    """One comment block or docstring of a code cell."""

    msgid: str
    kind: str  # "comment" | "inline comment" | "docstring"
    line: int  # 1-based line in the cell where it starts
    code: str  # the line of code it documents (context for translators)


@dataclasses.dataclass
class _Found:
    text: CodeText
    start: tuple[int, int]  # (row, col) in the cell, rows 1-based
    end: tuple[int, int]
    prefix: str = ""  # kept before the translation ("# ", "# noqa: E402 - ", "--- ")
    rule: str = ""  # a decoration after the text, padded to the original width
    quote: str = ""  # a docstring's quote ('"""', "'")


#: One ast.parse at a time: the build renders languages in threads, and CPython 3.11
#: keeps the AST converter's recursion depth in the interpreter's state, shared by
#: all threads, so two conversions at once can fail with "SystemError: AST
#: constructor recursion depth mismatch" (seen on 3.11.7 in this project's CI;
#: python/cpython#106905 is the same symptom).
_PARSE_LOCK = threading.Lock()


def parse_python(source: str) -> ast.Module:
    """`ast.parse(source)`, safe to call from the build's threads (SyntaxError as usual)."""
    with _PARSE_LOCK:
        return ast.parse(source)


def _magic_rows(source: str) -> set[int]:
    return {
        i
        for i, line in enumerate(source.splitlines(), start=1)
        if line.lstrip().startswith(("%", "!"))
    }


def _without_magics(source: str) -> str:
    return "\n".join(
        "#" + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _is_code(text: str, names: frozenset[str]) -> bool:
    """Whether a comment's text is code: it parses, and all its names are the lesson's."""
    try:
        tree = parse_python(text)
    except SyntaxError:
        return False
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return bool(used) and used <= names


def _split_comment(token: str) -> tuple[str, str, str] | None:
    """``(prefix, text, rule)`` of a comment token, or None if it carries nothing to translate."""
    body = token[1:]
    if _MARKER.match(token) or body.strip().startswith(TRANSLATOR_TAG):
        return None
    lead = body[: len(body) - len(body.lstrip())]
    text = body.strip()
    prefix = "#" + lead
    pragma = _PRAGMA.match(text)
    if pragma:
        rest = pragma.group("rest")
        explained = re.match(r"^(\s+[-—:]\s+)(.*\S)\s*$", rest)
        if not explained:
            return None
        prefix += pragma.group("pragma") + explained.group(1)
        text = explained.group(2)
    rule = ""
    head = re.match(rf"^([{re.escape(_RULE_CHARS)}]{{3,}}\s+)(.*)$", text)
    if head:
        prefix += head.group(1)
        text = head.group(2)
    tail = re.match(rf"^(.*?)(\s+[{re.escape(_RULE_CHARS)}]{{3,}})$", text)
    if tail:
        text, rule = tail.group(1), tail.group(2)
    if not re.search(r"[^\W\d_]", text):  # no letter: a rule, numbers
        return None
    return prefix, text, rule


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(_without_magics(source)).readline))


def _docstrings(source: str) -> dict[tuple[int, int], str]:
    """The docstrings of a cell, by the (row, col) where their string starts."""
    try:
        tree = parse_python(_without_magics(source))
    except SyntaxError:
        return {}
    found = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        body = node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            found[(body[0].lineno, body[0].col_offset)] = body[0].value.value
    return found


def _clean(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def _find(source: str, names: frozenset[str] = frozenset()) -> list[_Found]:
    lines = source.splitlines()
    magics = _magic_rows(source)
    docs = _docstrings(source)
    found: list[_Found] = []
    block: _Found | None = None
    previous_row = None
    for tok in _tokens(source):
        if tok.type == tokenize.STRING and tok.start in docs:
            quote = re.match(r"^[rRuU]?('''|\"\"\"|'|\")", tok.string)
            if quote and not tok.string[: quote.start(1)].lower().startswith("r"):
                text = _clean(docs[tok.start])
                code = _documented_line(lines, tok.start[0])
                found.append(
                    _Found(
                        CodeText(text, "docstring", tok.start[0], code),
                        tok.start,
                        tok.end,
                        quote=quote.group(1),
                    )
                )
            continue
        if tok.type != tokenize.COMMENT or tok.start[0] in magics:
            continue
        row, col = tok.start
        whole_line = not lines[row - 1][:col].strip()
        parts = _split_comment(tok.string)
        if parts is None or _is_code(parts[1], names):
            block = None
            continue
        prefix, text, rule = parts
        if not whole_line:
            code = lines[row - 1][:col].strip()
            found.append(
                _Found(
                    CodeText(text, "inline comment", row, code), tok.start, tok.end, prefix, rule
                )
            )
            block = None
            continue
        if (
            block is not None
            and previous_row == row - 1
            and block.start[1] == col
            and not prefix.strip("# ")
            and not block.rule
            and not rule
        ):
            merged = block.text.msgid + " " + text
            block.text = dataclasses.replace(block.text, msgid=merged)
            block.end = tok.end
        else:
            code = _documented_line(lines, row, after=True)
            block = _Found(CodeText(text, "comment", row, code), tok.start, tok.end, prefix, rule)
            found.append(block)
        previous_row = row
    return found


def _documented_line(lines: list[str], row: int, after: bool = False) -> str:
    """The first line of code after a comment (or the def above a docstring)."""
    if not after:
        for i in range(row - 1, 0, -1):
            text = lines[i - 1].strip()
            if text.startswith(("def ", "class ", "async def ")):
                return text
        return ""
    for text in lines[row:]:
        text = text.strip()
        if text and not text.startswith("#"):
            return text
    return ""


def extract(source: str, names: frozenset[str] = frozenset()) -> list[CodeText]:
    """The comment blocks and docstrings of a code cell, in order.

    `names` are the identifiers of the lesson's code: a comment that parses as
    Python and uses only these is commented-out code, not a message.
    """
    return [f.text for f in _find(source, names)]


def _width(text: str) -> int:
    from ..i18n import display_width

    return display_width(text)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` display columns.

    Breaks at spaces, and between two CJK characters (Japanese has no spaces),
    never before closing punctuation; a word longer than a line stays whole.
    """
    units = _UNITS.findall(" ".join(text.split()))
    lines: list[str] = []
    current = ""
    for unit in units:
        if unit.isspace():
            if current:
                current += " "
            continue
        if current and _width(current + unit) > width:
            carry = ""
            if re.search(rf"[{_CJK}]", current[-1] + unit[0]) and not current.endswith(" "):
                # Inside Japanese text: break after the last 、。： of the line, else after
                # the last particle that ends a phrase (を, に, ... before a kanji, katakana or digit)
                cut = max(current.rfind(p) for p in _BREAK_AFTER) + 1
                if cut <= len(current) // 3:
                    ends = [m.end() for m in _PHRASE_END.finditer(current + unit[0])]
                    cut = max([e for e in ends if e < len(current)] or [cut])
                if cut > len(current) // 3:
                    current, carry = current[:cut], current[cut:]
                elif unit[0] in _NO_START and re.fullmatch(rf"[{_CJK}]", current[-1]):
                    current, carry = current[:-1], current[-1]
            if current.strip():
                lines.append(current.rstrip())
                current = carry + unit
            else:
                current += carry + unit
        else:
            current += unit
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def problem(kind: str, translation: str) -> str | None:
    """Why `translation` cannot stand where a comment/docstring of `kind` was, or None."""
    if kind == "docstring":
        if '"""' in translation or "'''" in translation:
            return "a docstring's translation must not contain triple quotes"
        if "\\" in translation:
            return "a docstring's translation must not contain a backslash"
    elif "\n" in translation.strip() and kind == "inline comment":
        return "a comment after code must stay on one line"
    return None


def translate_source(source: str, translations: dict[str, str], names=frozenset()) -> str:
    """`source` with each comment block and docstring replaced by its translation.

    Code tokens, indentation and the lines of code stay as they are; a text
    without a translation stays English.  A comment block is wrapped again to
    :data:`WIDTH` columns (it may take more or fewer lines than the English);
    a comment after code stays on its line; a docstring keeps the translator's
    lines, indented as the English, and a line too long for :data:`WIDTH` is
    wrapped (then the closing quotes go on their own line, as PEP 257 has it).

    Raises
    ------
    ValueError
        If a translation cannot be written there (see :func:`problem`), or the
        result no longer compiles.
    """
    found = [f for f in _find(source, names) if translations.get(f.text.msgid)]
    if not found:
        return source
    lines = source.splitlines()
    for f in sorted(found, key=lambda f: f.start, reverse=True):
        text = translations[f.text.msgid]
        why = problem(f.text.kind, text)
        if why:
            raise ValueError(f"{why}: {text!r}")
        (r0, c0), (r1, c1) = f.start, f.end
        head, tail = lines[r0 - 1][:c0], lines[r1 - 1][c1:]
        if f.text.kind == "docstring":
            indent = " " * c0 if not head.strip() else " " * (len(head) - len(head.lstrip()))
            parts = text.strip().splitlines()
            if len(parts) == 1 and _width(head + 2 * f.quote + parts[0]) <= WIDTH:
                body = parts
            else:
                room = WIDTH - len(indent) - 2 * len(f.quote)
                body = []
                for part in parts:
                    body += wrap(part, room) if part.strip() else [""]
            body = [body[0], *[(indent + b) if b else "" for b in body[1:]]]
            own_line = not lines[r1 - 1][: c1 - len(f.quote)].strip()
            if len(body) > 1 or own_line:  # closing quotes on their own line (PEP 257)
                body.append(indent)
            new = (head + f.quote + "\n".join(body) + f.quote + tail).split("\n")
        elif f.text.kind == "inline comment":
            new = [head + f.prefix + " ".join(text.split()) + f.rule + tail]
        else:
            room = WIDTH - _width(head + f.prefix) - _width(f.rule)
            wrapped = wrap(text, max(room, 20))
            rule = f.rule
            if rule:  # pad the decoration to the English line's width, at least 3 characters
                english = _width(lines[r0 - 1])
                fill = max(3, english - _width(head + f.prefix + wrapped[-1]) - 1)
                rule = " " + rule.strip()[0] * fill
            new = [head + f.prefix + wrapped[0] + (rule if len(wrapped) == 1 else "")]
            new += [
                head + "# " + w + (rule if i == len(wrapped) - 1 else "")
                for i, w in enumerate(wrapped[1:], start=1)
            ]
            new[-1] += tail
        lines[r0 - 1 : r1] = new
    out = "\n".join(lines) + ("\n" if source.endswith("\n") else "")
    compile(_without_magics(out), "<translated cell>", "exec")
    return out


def code_tokens(source: str) -> list[tuple[int, str]]:
    """The code of a cell without its comments and docstrings: ``(type, string)`` tokens.

    The same in every language for every code cell of a built notebook.
    """
    docs = _docstrings(source)
    skip = (tokenize.COMMENT, tokenize.NL)
    return [
        (t.type, t.string)
        for t in _tokens(source)
        if t.type not in skip and not (t.type == tokenize.STRING and t.start in docs)
    ]
