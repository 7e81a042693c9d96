#!/usr/bin/env python3
# code_version.py - the build side of the code version (README: "What re-runs:
# code versions"). Two modes, both run by the Makefile:
#
#   code_version.py tokens OUT ROOT -- CC CFLAGS... -E -P SRC
#       Runs the preprocessor command and writes to OUT the SHA-256 of the
#       compiler command and of the preprocessed token stream, with the layout
#       normalised: the C token sequence (C11 6.4: literals, identifiers,
#       numbers, punctuators by maximal munch) joined by single spaces, so the
#       layout is gone but no two different token sequences look alike; and
#       the file and line BUG() and assert() pass to the functions that abort
#       the process (bug_fl, __assert_fail) replaced by constants. So comments,
#       blank lines, indentation and spacing change nothing; every token of the
#       translation unit, including what it takes from every header (ours and
#       the system's), does. ROOT (the checkout's absolute path) inside a
#       string literal is replaced by a placeholder (see tokens()).
#
#   code_version.py generate OUT FLAGS_FILE OBJ...
#       Reads every object's .th (written with it by the object rule), the
#       symbol tables (nm) and section lists (readelf) of the objects, and
#       writes the C file OUT (compiled into the binary) with: the git commit
#       and dirty flag (untracked files under core/ harness/ algorithms/ envs/ count),
#       the compiler identity, the flags, a core hash and one hash per
#       registered environment and learner implementation (vtable):
#         - the reference graph: object A -> object B when A uses a symbol B
#           defines (every definition, should there be several);
#         - the core: everything reachable from main.o, except that the two
#           registries' references to *_vtable symbols are not followed (a
#           cell reaches only its own environment's and learner's vtables
#           through them), nor main.o's to the cmd_* functions of commands that
#           compute no result (only run, run-cell and collect do; regress and
#           baseline run cells as `harness run` processes); objects with
#           constructors or destructors, and anything a registry references
#           other than a vtable, are core;
#         - a unit: what is reachable from the object defining a vtable (same
#           rule), minus the core. A unit that uses the registries or their
#           lookups (env_lookup, learner_lookup) could reach any other unit,
#           so its hash is that of every unit.
#       The core hash covers the core's token hashes, the compiler (--version,
#       target, the target options it resolves for the flags, e.g. what
#       -march=native means on this machine, assembler and linker versions) and
#       the link flags.
import hashlib
import os
import re
import subprocess
import sys

# C tokens (C11 6.4): literals (with their prefixes) first, then identifiers,
# preprocessing numbers, punctuators by maximal munch; anything else one char.
TOKEN = re.compile(r"""
    (?:u8|u|U|L)?"(?:\\.|[^"\\\n])*"
  | (?:u|U|L)?'(?:\\.|[^'\\\n])*'
  | [A-Za-z_][A-Za-z0-9_]*
  | \.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*
  | %:%: | \.\.\. | <<= | >>=
  | -> | \+\+ | -- | << | >> | <= | >= | == | != | && | \|\| | \*= | /= | %= | \+= | -= | &= | \^= | \|=
  | \#\# | <: | :> | <% | %> | %:
  | \S
""", re.X)
def constant_places(toks):
    """The file and line BUG() and assert() pass on: constants (both abort the process).
    bug_fl ( "file" , line , ...  and  __assert_fail ( "expr" , "file" , line , ..."""
    for i, t in enumerate(toks):
        if t == "bug_fl" and toks[i + 1:i + 2] == ["("] and len(toks) > i + 5 and toks[i + 2][:1] == '"' \
                and toks[i + 3] == "," and toks[i + 4].isdigit() and toks[i + 5] == ",":
            toks[i + 2], toks[i + 4] = '""', "0"
        if t == "__assert_fail" and toks[i + 1:i + 2] == ["("] and len(toks) > i + 7 and toks[i + 4][:1] == '"' \
                and toks[i + 3] == "," and toks[i + 5] == "," and toks[i + 6].isdigit() and toks[i + 7] == ",":
            toks[i + 4], toks[i + 6] = '""', "0"
    return toks


def normalise(text):
    """The token sequence, one space between tokens; #pragma lines on their own lines."""
    out, code = [], []

    def flush():
        out.append(" ".join(constant_places(TOKEN.findall(" ".join(code)))))
        code.clear()
    for line in text.split("\n"):
        if line.lstrip().startswith("#"):  # a #pragma: its line is its extent
            flush()
            out.append("\n" + " ".join(TOKEN.findall(line)) + "\n")
        else:
            code.append(line)
    flush()
    return "".join(out)


def tokens(argv):
    out, root, cmd = argv[0], argv[1], argv[3:]
    pp = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout.decode("utf-8", "surrogateescape")
    text = normalise(pp)
    # The checkout's own absolute path inside string literals (build/pyconf.h: the
    # venv and the bridge's folder) is one placeholder, so a checkout elsewhere
    # (regress's worktrees) has the same code version: what is read there at run
    # time, the bridge script and the venv's packages, is in the version itself.
    if len(root) > 1:
        text = re.sub(r'(?:u8|u|U|L)?"(?:\\.|[^"\\\n])*"',
                      lambda m: re.sub(re.escape(root) + r'(?=/|")', "$ROOT", m.group(0)), text)
    h = hashlib.sha256()
    h.update(("cmd " + " ".join(cmd) + "\n").encode())
    h.update(text.encode("utf-8", "surrogateescape"))
    with open(out + ".tmp", "w") as f:
        f.write(h.hexdigest() + "\n")
    os.replace(out + ".tmp", out)


def sh(cmd):
    r = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.stdout.decode("utf-8", "replace").strip()


def c_string(s):
    return '"' + "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\?' else "\\%03o" % b
                         for b in s.encode()) + '"'


REGISTRIES = ("envs/registry.o", "algorithms/registry.o")
LOOKUPS = {"env_lookup", "learner_lookup"}
# The commands whose processes compute and record results; main.o's references
# to the other cmd_* functions (bench, plot, show, ...) are not a cell's path.
RESULT_COMMANDS = {"cmd_run", "cmd_run_cell", "cmd_collect"}


def generate(argv):
    out, flags_file, objs = argv[0], argv[1], argv[2:]
    flags = {}
    with open(flags_file) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            flags[k] = v
    th = {}
    for o in objs:
        with open(o[:-2] + ".th") as f:
            th[o] = f.read().strip()
    defs, undef = {}, {o: set() for o in objs}
    nm = subprocess.run(["nm", "-P", "-A", "-g"] + objs, stdout=subprocess.PIPE, check=True).stdout.decode()
    for line in nm.splitlines():
        m = re.match(r"^(.*?): (\S+) (\S)", line)
        if not m:
            continue
        o, sym, t = m.group(1), m.group(2), m.group(3)
        if t in "Uwv":
            undef[o].add(sym)
        else:
            defs.setdefault(sym, set()).add(o)
    sections = subprocess.run(["readelf", "-S", "-W"] + objs, stdout=subprocess.PIPE, check=True).stdout.decode()
    ctor, cur = set(), None
    for line in sections.splitlines():
        if line.startswith("File: "):
            cur = line[6:].strip()
        elif cur and re.search(r"\.(init_array|fini_array|preinit_array|ctors|dtors)\b", line):
            ctor.add(cur)
    reg = {o for o in objs if o.endswith(REGISTRIES)}
    main = [o for o in objs if o.endswith("harness/cmd/main.o")]
    roots, forced = [], set()
    for r in sorted(reg):
        kind = "env" if r.endswith(REGISTRIES[0]) else "learner"
        for sym in sorted(undef[r]):
            if sym not in defs:
                continue
            if sym.endswith("_vtable"):
                roots.append((kind, sym))
            else:
                forced |= defs[sym]

    def edges(o):
        for sym in undef[o]:
            if o in reg and sym.endswith("_vtable"):
                continue
            if o in main and sym.startswith("cmd_") and sym not in RESULT_COMMANDS:
                continue
            yield from defs.get(sym, ())

    def closure(start):
        seen, todo = set(), list(start)
        while todo:
            o = todo.pop()
            if o in seen:
                continue
            seen.add(o)
            todo.extend(edges(o))
        return seen

    core = closure(main + sorted(forced) + sorted(ctor))
    reg_syms = {s for s, ds in defs.items() if ds & reg} | LOOKUPS
    units = {}
    for kind, sym in roots:
        objs_u = closure(sorted(defs[sym])) - core
        dynamic = any(undef[o] & reg_syms for o in objs_u)
        units[sym] = (kind, sorted(objs_u), dynamic)

    def listing(os_):
        return "".join("%s %s\n" % (o.split("/", 1)[1] if "/" in o else o, th[o]) for o in sorted(os_))

    cc = flags.get("CC", "cc")
    # the target options as the compiler resolves them for these flags (-march=native: this machine's)
    target = sh("%s %s -Q --help=target 2>&1 < /dev/null" % (cc, flags.get("CFLAGS", "")))
    toolchain = "\n".join([sh(cc + " --version"), sh(cc + " -dumpmachine"), target,
                           sh("$(%s -print-prog-name=as) --version | head -n1" % cc),
                           sh("$(%s -print-prog-name=ld) --version | head -n1" % cc)])
    core_text = "harness-code-v2\ntoolchain\n%s\nlink %s %s\n%s" % (
        toolchain, flags.get("LDFLAGS", ""), flags.get("LDLIBS", ""), listing(core))
    core_hash = hashlib.sha256(core_text.encode()).hexdigest()
    uhash = {s: hashlib.sha256(("%s %s\n%s" % (k, s, listing(u))).encode()).hexdigest()
             for s, (k, u, d) in units.items()}
    every = hashlib.sha256("".join("%s %s\n" % (s, uhash[s]) for s in sorted(uhash)).encode()).hexdigest()
    build_hash = hashlib.sha256((core_hash + " " + every).encode()).hexdigest()

    commit = sh("git rev-parse HEAD 2>/dev/null") or "unknown"
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        commit, dirty = "unknown", 1
    else:
        st = subprocess.run("git status --porcelain --untracked-files=all -- core harness algorithms envs Makefile",
                            shell=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        dirty = 1 if st.returncode or st.stdout.strip() else 0
    ccv = sh(cc + " --version").split("\n")[0]

    lines = ["/* generated by harness/spec/code_version.py at build time: do not edit */",
             '#include "codever.h"', ""]
    for s, (k, u, d) in sorted(units.items()):
        lines.append("extern const struct %s_vtable %s;" % (k, s))
    lines += ["",
              "const char build_git_commit[] = %s;" % c_string(commit),
              "const int build_git_dirty = %d;" % dirty,
              "const char build_cc[] = %s;" % c_string(ccv),
              "const char build_cflags[] = %s;" % c_string(flags.get("CFLAGS", "")),
              "const char build_ldflags[] = %s;" % c_string((flags.get("LDFLAGS", "") + " " + flags.get("LDLIBS", "")).strip()),
              "const char build_core_hash[] = %s;" % c_string(core_hash),
              "const char build_hash[] = %s;" % c_string(build_hash),
              "const struct code_unit build_units[] = {"]
    for s, (k, u, d) in sorted(units.items()):
        lines.append("\t{ &%s, %s, %s, %s },  /* %s */" % (s, c_string(s), c_string(every if d else uhash[s]),
                                                         c_string(" ".join(o.split("/", 1)[1] for o in u)),
                                                         "uses the registry: every unit" if d else k))
    lines += ["};", "const int build_nunits = %d;" % len(units), ""]
    text = "\n".join(lines)
    try:
        with open(out) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[1] == "tokens" and sys.argv[4] == "--":
        tokens(sys.argv[2:])
    elif len(sys.argv) > 4 and sys.argv[1] == "generate":
        generate(sys.argv[2:])
    else:
        sys.exit("usage: code_version.py tokens OUT ROOT -- CMD... | generate OUT FLAGS_FILE OBJ...")
