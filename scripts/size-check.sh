#!/usr/bin/env bash
# Sizes of the C# sources: no file over 300 lines, no method over 40.
#   scripts/size-check.sh [--max-file N] [--max-method N] [PATH...]     (default PATH: src)
# A method is measured from its signature line (attributes and comments above it do not count) to its closing brace,
# or to the semicolon of an expression body; local functions and lambdas inside it count toward it. Constructors,
# operators and property bodies are measured the same way; top-level statements of a Program.cs as one method.
# Prints one line per excess, "FILE:LINE: method NAME is N lines (limit 40)", and exits 1 if there is any; 0 otherwise.
# bin/ and obj/ are skipped. tests/Grains.Tests/Unit/SourceSizeTests.cs runs this over src.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
exec python3 - "$@" <<'PY'
import os, re, sys

args = sys.argv[1:]
max_file, max_method, paths = 300, 40, []
while args:
    a = args.pop(0)
    if a == "--max-file": max_file = int(args.pop(0))
    elif a == "--max-method": max_method = int(args.pop(0))
    else: paths.append(a)
paths = paths or ["src"]


def strip(text):
    """The code with comments, strings and character literals blanked (newlines kept), so braces and semicolons are code."""
    out, i, n = [], 0, len(text)
    holes = []  # for each open interpolation hole: the brace depth inside it and the string to resume after it
    def blank(s): return "".join(c if c == "\n" else " " for c in s)
    def string_end(i, verbatim, interpolated, quotes, dollars):
        """Index after the string starting at i (its opening quotes), or the hole start, with what to resume."""
        j = i
        while j < n:
            c = text[j]
            if quotes >= 3:
                if text.startswith('"' * quotes, j): return j + quotes, None
            elif c == "\\" and not verbatim: j += 2; continue
            elif c == '"':
                if verbatim and text.startswith('""', j): j += 2; continue
                return j + 1, None
            if interpolated and c == "{":
                if quotes < 3 and text.startswith("{{", j): j += 2; continue
                if quotes >= 3 and not text.startswith("{" * dollars, j): j += 1; continue
                if quotes >= 3: j += dollars - 1
                return j + 1, (verbatim, quotes, dollars)
            j += 1
        return n, None
    def open_string(i):
        m = re.match(r'(\$*)(@?)(\$*)("+)', text[i:])
        dollars = len(m.group(1)) + len(m.group(3))
        quotes = len(m.group(4))
        if quotes == 2: return i + len(m.group(0)), None  # ""
        return string_end(i + len(m.group(0)), bool(m.group(2)), dollars > 0, quotes, dollars)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i); j = n if j < 0 else j
            out.append(blank(text[i:j])); i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2); j = n if j < 0 else j + 2
            out.append(blank(text[i:j])); i = j
        elif c == "'" :
            m = re.match(r"'(\\.[^']*|[^'\\])'", text[i:])
            j = i + (len(m.group(0)) if m else 1)
            out.append(blank(text[i:j])); i = j
        elif re.match(r'\$*@?\$*"', text[i:i + 8]) and (c == '"' or not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"))):
            j, hole = open_string(i)
            out.append(blank(text[i:j])); i = j
            if hole: holes.append([0, hole])
        elif holes and c == "{":
            holes[-1][0] += 1; out.append(" "); i += 1
        elif holes and c == "}":
            if holes[-1][0] > 0:
                holes[-1][0] -= 1; out.append(" "); i += 1
            else:
                verbatim, quotes, dollars = holes.pop()[1]
                close = dollars if quotes >= 3 else 1
                j, hole = string_end(i + close, verbatim, True, quotes, dollars)
                out.append(blank(text[i:j])); i = j
                if hole: holes.append([0, hole])
        else:
            out.append(" " if holes and c != "\n" else c); i += 1
    return "".join(out)


TYPE_WORD = re.compile(r"\b(class|struct|interface|enum|record|namespace)\b")
ASSIGN = re.compile(r"(?<![=!<>])=(?![=>])")


def depth0(header):
    """The header with everything inside parentheses, brackets and angle brackets removed."""
    out, d = [], 0
    for c in header:
        if c in "([": d += 1
        elif c in ")]": d -= 1
        elif d == 0: out.append(c)
    return "".join(out)


MODIFIERS = {"public", "private", "protected", "internal", "static", "async", "override", "virtual", "abstract",
             "sealed", "new", "extern", "unsafe", "partial", "readonly", "required", "file", "implicit", "explicit"}


def parameters_at(header):
    """Where the parameter list starts: the first "(" right after a name (a tuple return type has none before it)."""
    for m in re.finditer(r"([A-Za-z_]\w*)\s*(<[^()]*>)?\s*\(", header):
        if m.group(1) not in MODIFIERS:
            return m.end() - 1, m.group(1)
    return None, None


def name_of(header):
    at, name = parameters_at(header)
    if name:
        return name
    words = re.findall(r"[A-Za-z_]\w*", re.split(r"=>|=|\{", header)[0])
    return words[-1] if words else "?"


def members(code, start, end, line_of, top_level, found):
    """Members of a type (or namespace/file) body code[start:end]: measures each, recurses into nested types."""
    i, first_statement, last_statement = start, None, None
    while i < end:
        while i < end and code[i] in " \t\r\n;": i += 1
        if i >= end: break
        m_start, depth, header, brace_at, j = i, 0, None, None, i
        while j < end:
            c = code[j]
            if c == "{":
                if depth == 0 and header is None: header, brace_at = code[m_start:j], j
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0 and header is not None and not ASSIGN.search(depth0(header)) and "=>" not in depth0(header):
                    j += 1; break
            elif c == ";" and depth == 0:
                j += 1; break
            j += 1
        body_start = re.sub(r"^(\s*\[[^\]]*\])*\s*", "", code[m_start:j])
        sig = m_start + (len(code[m_start:j]) - len(body_start))
        text = code[sig:brace_at] if header is not None else code[sig:j]
        at, _ = parameters_at(text)
        h0 = depth0(text[:at] if at is not None else text)
        if re.match(r"\s*(using|extern alias)\b", code[m_start:j]) and header is None:
            pass
        elif TYPE_WORD.search(h0):
            if header is not None and not re.search(r"\benum\b", h0):
                members(code, brace_at + 1, j - 1, line_of, False, found)
        elif top_level:
            first_statement = first_statement if first_statement is not None else sig
            last_statement = j - 1
        else:
            lines = line_of(j - 1) - line_of(sig) + 1
            found.append((line_of(sig), name_of(text), lines))
        i = j
    if first_statement is not None:
        found.append((line_of(first_statement), "<top-level statements>", line_of(last_statement) - line_of(first_statement) + 1))


def check(path, report):
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    line_count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if line_count > max_file:
        report.append(f"{path}:1: file is {line_count} lines (limit {max_file})")
    code = strip(text)
    starts = [0] + [k + 1 for k, c in enumerate(code) if c == "\n"]
    import bisect
    line_of = lambda k: bisect.bisect_right(starts, k)
    found = []
    members(code, 0, len(code), line_of, True, found)
    for line, name, lines in found:
        if lines > max_method:
            report.append(f"{path}:{line}: method {name} is {lines} lines (limit {max_method})")


report = []
for root in paths:
    files = [root] if os.path.isfile(root) else [
        os.path.join(d, f) for d, dirs, fs in os.walk(root) if not dirs.__setitem__(slice(None), sorted(x for x in dirs if x not in ("bin", "obj")))
        for f in sorted(fs) if f.endswith(".cs")]
    for path in files:
        check(path, report)
print("\n".join(report)) if report else None
sys.exit(1 if report else 0)
PY
