#!/usr/bin/env python3
"""Measure the module import graph of src/ and report cycles and imports against the layers.

Reads every `use crate::…`/`use super::…` tree and every fully qualified `crate::a::b` or
`super::a` path in code (comments and string literals are skipped), resolves each to the module
that defines it (following `pub use` re-exports, e.g. `crate::Error` → `error`), and prints:

  * the edges between top-level modules ("layers"), how many import sites each has, and those
    that point up against LAYERS below;
  * the cycles between layers and, inside each layer, between its modules (strongly connected
    components with more than one member, and every pair of modules importing each other).

A parent `mod.rs` naming its own children (`pub mod x;`, `x::routes()`) is containment, not an
import, and is not counted.

Usage: python3 tools/import_cycles.py [--check] [--edges] [SRC_DIR]
  --check  exit 1 if any layer cycle, module cycle or upward import is found (for CI and tests)
  --edges  also list every module-level edge
"""
import os
import re
import sys
from collections import defaultdict

# Top to bottom. A module may import from its own rank and the ranks below it, never above.
# `error` and `i18n` are shared leaves that every layer may use.
LAYERS = [
    ["main", "bin"],
    ["app", "cli", "bootstrap", "demo", "shutdown"],
    ["web"],
    ["api"],
    ["http"],
    ["body"],
    ["mail"],
    ["feeds"],
    ["auth"],
    ["domain"],
    ["db"],
    ["config", "deadline"],
    ["error", "i18n"],
]
RANK = {name: i for i, group in enumerate(LAYERS) for name in group}
# Imports that the ranks would allow but the design does not: the pages and the API are two
# faces of the same operations; what both need lives below them, in `http` (or deeper).
FORBIDDEN = {("web", "api")}


def strip_code(text):
    """Blank out comments, string and char literals, keeping offsets and newlines."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'b?r#*"', text[i:i + 40]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(b?r)(#*)"', text[i:])
            end = '"' + m.group(2)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # a char literal ('a', '\n', '\u{..}'), else a lifetime
            m = re.match(r"'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def file_module(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[0] == "bin":
        return ("bin",)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


def inline_mods(code):
    """(start, end, name) of every inline `mod name { … }` block."""
    found = []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", code):
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        found.append((m.start(), j, m.group(1)))
    return found


def expand_use_tree(tree):
    """`a::{b, c::{d, e as f}}` → [['a','b'], ['a','c','d'], ['a','c','e']]."""
    tree = re.sub(r"\s+as\s+\w+", "", tree)
    tree = re.sub(r"\s+", "", tree)

    def parse(s):
        # split top-level on commas
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        paths = []
        for p in parts:
            k = p.find("{")
            if k >= 0:
                prefix = [x for x in p[:k].split("::") if x]
                for sub in parse(p[k + 1:p.rfind("}")]):
                    paths.append(prefix + sub)
            else:
                paths.append([x for x in p.split("::") if x])
        return paths

    return parse(tree)


class Graph:
    def __init__(self, src):
        self.src = src
        self.files = {}
        for root, _, names in os.walk(src):
            for name in names:
                if name.endswith(".rs"):
                    path = os.path.join(root, name)
                    self.files[path] = file_module(src, path)
        self.modules = set(self.files.values())
        self.aliases = {}  # (module, name) -> absolute path (list)
        self.sites = defaultdict(list)  # (from, to) -> ["file:line"]
        self.code = {p: strip_code(open(p, encoding="utf-8").read()) for p in self.files}
        for path, mod in self.files.items():
            for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", self.code[path]):
                for segs in expand_use_tree(m.group(1)):
                    absolute = self.absolute(mod, segs, path)
                    if absolute and segs[-1] not in ("*", "self"):
                        self.aliases[(mod, segs[-1])] = absolute
        for path, mod in self.files.items():
            self.scan(path, mod)

    def absolute(self, mod, segs, path):
        if not segs:
            return None
        head = segs[0]
        if head in ("crate",) or (head == "lichhop" and mod[:1] in (("main",), ("bin",))):
            return list(segs[1:])
        if head == "super":
            base = list(mod)
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
            return base + list(segs)
        if head == "self":
            return list(mod) + list(segs[1:])
        if tuple(mod) + (head,) in self.modules:
            return list(mod) + list(segs)
        return None  # an external crate or a local name

    def resolve(self, segs, depth=0):
        """Absolute path → the module that defines its item."""
        best = ()
        for k in range(len(segs), -1, -1):
            if tuple(segs[:k]) in self.modules:
                best = tuple(segs[:k])
                rest = segs[k:]
                break
        if rest and (best, rest[0]) in self.aliases and depth < 8:
            return self.resolve(self.aliases[(best, rest[0])] + rest[1:], depth + 1)
        return best

    def scan(self, path, mod):
        code = self.code[path]
        mods = inline_mods(code)

        def mod_at(pos):
            inner = [name for (s, e, name) in mods if s < pos < e]
            return tuple(mod) + tuple(inner)

        def line(pos):
            return code.count("\n", 0, pos) + 1

        use_spans = []
        for m in re.finditer(r"\buse\s+([^;]+);", code):
            use_spans.append((m.start(), m.end()))
            here = mod_at(m.start())
            for segs in expand_use_tree(m.group(1)):
                absolute = self.absolute(here, segs, path)
                if absolute is not None:
                    self.add(mod, self.resolve(absolute), path, line(m.start()))
        heads = r"crate|super|lichhop" if mod[:1] in (("main",), ("bin",)) else r"crate|super"
        for m in re.finditer(r"(?<![\w:])((?:%s)(?:::\w+)+)" % heads, code):
            if any(s <= m.start() < e for s, e in use_spans):
                continue
            here = mod_at(m.start())
            absolute = self.absolute(here, m.group(1).split("::"), path)
            if absolute is not None:
                self.add(mod, self.resolve(absolute), path, line(m.start()))

    def add(self, frm, to, path, line):
        frm = tuple(frm)
        if not to or to == frm or to[: len(frm)] == frm:
            return  # the crate root, itself, or its own children
        self.sites[(frm, to)].append("%s:%d" % (os.path.relpath(path, os.path.dirname(self.src)), line))


def sccs(nodes, edges):
    """Tarjan's strongly connected components, only those with more than one node."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    succ = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def name(mod):
    return "::".join(mod) or "crate"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    src = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    src = os.path.normpath(src)
    g = Graph(src)

    layer_sites = defaultdict(list)
    for (a, b), sites in g.sites.items():
        if a[0] != b[0]:
            layer_sites[(a[0], b[0])] += sites
    print("== layer edges (from -> to: import sites) ==")
    upward = []
    for (a, b), sites in sorted(layer_sites.items()):
        bad = a in RANK and b in RANK and RANK[b] < RANK[a]
        forbidden = (a, b) in FORBIDDEN
        unknown = a not in RANK or b not in RANK
        mark = ("  UPWARD" if bad else "  FORBIDDEN" if forbidden
                else "  (layer unknown)" if unknown else "")
        print("%-10s -> %-10s %3d%s" % (a, b, len(sites), mark))
        if bad or forbidden or unknown:
            upward.append((a, b))
    print("\n== imports against the layers (module -> module: sites) ==")
    for (a, b), sites in sorted(g.sites.items()):
        if (a[0], b[0]) in upward:
            print("%s -> %s: %s" % (name(a), name(b), ", ".join(sites[:4]) + (" …" if len(sites) > 4 else "")))

    layer_cycles = sccs({a for a, _ in layer_sites} | {b for _, b in layer_sites}, layer_sites)
    print("\n== cycles between layers ==")
    for comp in layer_cycles:
        print(" <-> ".join(comp))

    module_cycles, pairs = [], []
    for layer in sorted({m[0] for m in g.modules if m}):
        edges = [(a, b) for (a, b) in g.sites if a[0] == layer and b[0] == layer]
        for comp in sccs({x for e in edges for x in e}, edges):
            module_cycles.append(comp)
        for a, b in edges:
            if a < b and (b, a) in g.sites:
                pairs.append((a, b))
    print("\n== cycles between modules inside a layer ==")
    for comp in module_cycles:
        print(" , ".join(name(m) for m in comp))
    for a, b in pairs:
        print("  %s <-> %s  (%s | %s)" % (name(a), name(b), g.sites[(a, b)][0], g.sites[(b, a)][0]))

    if "--edges" in sys.argv:
        print("\n== module edges ==")
        for (a, b), sites in sorted(g.sites.items()):
            print("%s -> %s  %d" % (name(a), name(b), len(sites)))

    print("\nsummary: %d layer edges, %d upward, %d layer cycles, %d module cycles (%d mutual pairs)"
          % (len(layer_sites), len(upward), len(layer_cycles), len(module_cycles), len(pairs)))
    if "--check" in sys.argv and (upward or layer_cycles or module_cycles):
        sys.exit(1)


if __name__ == "__main__":
    main()
