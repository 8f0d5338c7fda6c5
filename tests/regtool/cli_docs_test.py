#!/usr/bin/env python3
"""The regtool command line is written down four times: the binary's --help (tools/regtool/src/
cli.cpp, the reference), the man page, docs/regtool.md and the bash completion. This test takes
the commands and each command's options from `regtool --help` and `regtool CMD --help` and checks
that the other three list exactly those, naming every difference.

    cli_docs_test.py REGTOOL MAN_PAGE DOCS_MD BASH_COMPLETION

What each copy must hold:
  man page     SYNOPSIS: one `.B regtool CMD` per command; the .TP tags of the options: every
               option of any command (and --help).
  docs         `### CMD` under "## Commands", each with a synopsis `regtool CMD ...` naming the
               command's options but for --json, --help (documented once for all) and the device
               options (--file ... --fdt: "## Selecting what to operate on" names exactly those).
  completion   `commands="..."`: the commands and help; per command (`CMD) options+=`), with the
               "--json --help" every command has, exactly its options; the `case $prev` patterns
               and the device test's `--@(...)`: exactly the options that take a value.
The hidden options (--sysfs-class-dir, --dev-dir: not in --help) take a value: the completion
lists them among those; the man page and the docs name them under ENVIRONMENT.
"""
import re
import subprocess
import sys

HIDDEN_VALUE_OPTIONS = {"--sysfs-class-dir", "--dev-dir"}
EVERY_COMMAND = {"--json", "--help"}

problems = []


def compare(what, expected, found):
    for name in sorted(set(expected) - set(found)):
        problems.append(f"{what}: missing {name}")
    for name in sorted(set(found) - set(expected)):
        problems.append(f"{what}: extra {name}")


def run(regtool, *args):
    r = subprocess.run([regtool, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"regtool {' '.join(args)}: exit status {r.returncode}\n{r.stderr}")
    return r.stdout


def help_commands(text):
    block = text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  regtool ([a-z]+)", block, re.M)]


def help_options(text):
    """{option: takes a value} from the 'options:' block of boost::program_options."""
    block = text.split("options:\n", 1)[1].split("\n\n", 1)[0]
    options = {}
    for m in re.finditer(r"^  (?:-\w \[ )?(--[a-z][a-z-]*)(?: \])?( arg)?", block, re.M):
        options[m.group(1)] = bool(m.group(2))
    return options


def options_in(text):
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))


def main():
    regtool, man_path, docs_path, completion_path = sys.argv[1:]
    commands = help_commands(run(regtool, "--help"))
    if not commands:
        sys.exit("no commands found in regtool --help")
    options = {c: help_options(run(regtool, c, "--help")) for c in commands}
    all_options = set().union(*options.values())
    value_options = {o for c in commands for o, v in options[c].items() if v} | HIDDEN_VALUE_OPTIONS
    # The device options: those of a command with a DEV (info) that list does not have.
    device_options = set(options["info"]) - set(options["list"])

    # The man page.
    man = open(man_path, encoding="utf-8").read().replace("\\-", "-")
    synopsis = man.split(".SH SYNOPSIS", 1)[1].split("\n.SH ", 1)[0]
    compare("man page SYNOPSIS commands", commands, re.findall(r"^\.B regtool ([a-z]+)", synopsis, re.M))
    tags = "\n".join(m.group(1) for m in re.finditer(r"^\.TP\n(.*)$", man, re.M))
    tag_options = options_in(tags)
    compare("man page options (.TP tags)", all_options, tag_options)
    environment = man.split(".SH ENVIRONMENT", 1)[1].split("\n.SH ", 1)[0]
    compare("man page ENVIRONMENT hidden options", HIDDEN_VALUE_OPTIONS,
            options_in(environment) & HIDDEN_VALUE_OPTIONS)

    # docs/regtool.md.
    docs = open(docs_path, encoding="utf-8").read()
    section = docs.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^### ([a-z]+)$", section, re.M)
    compare("docs/regtool.md ## Commands", commands, documented)
    for c in commands:
        if c not in documented:
            continue
        body = section.split(f"\n### {c}\n", 1)[1].split("\n### ", 1)[0]
        m = re.search(rf"`regtool {c}\b[^`]*`", body)
        if not m:
            problems.append(f"docs/regtool.md ### {c}: no synopsis `regtool {c} ...`")
            continue
        expected = set(options[c]) - EVERY_COMMAND - device_options
        found = options_in(m.group(0)) - EVERY_COMMAND - (device_options & set(options[c]))
        compare(f"docs/regtool.md ### {c} synopsis options", expected, found)
    selecting = docs.split("\n## Selecting what to operate on\n", 1)[1].split("\n## ", 1)[0]
    compare("docs/regtool.md ## Selecting what to operate on (device options)", device_options,
            options_in(selecting))
    compare("docs/regtool.md options taken by every command", EVERY_COMMAND, options_in(docs) & EVERY_COMMAND)
    compare("docs/regtool.md hidden options", HIDDEN_VALUE_OPTIONS, options_in(docs) & HIDDEN_VALUE_OPTIONS)

    # The bash completion.
    completion = open(completion_path, encoding="utf-8").read()
    m = re.search(r'local commands="([^"]*)"', completion)
    compare("completion commands=", commands + ["help"], m.group(1).split() if m else [])
    m = re.search(r'local options="([^"]*)"', completion)
    base = set(m.group(1).split()) if m else set()
    per_command = {c: set(o.split()) for c, o in re.findall(r"^\s+([a-z]+)\) options\+=\"([^\"]*)\"", completion, re.M)}
    compare("completion: commands with options (case $command)", [c for c in commands if set(options[c]) - base],
            per_command)
    for c in commands:
        compare(f"completion: options of {c}", options[c], base | per_command.get(c, set()))
    prev = completion.split("case $prev in", 1)[1].split("esac", 1)[0]
    prev_options = set()
    for pattern in re.findall(r"^\s+(--[^)]*)\)", prev, re.M):
        prev_options |= {p.strip() for p in pattern.split("|")}
    compare("completion: options that take a value (case $prev)", value_options, prev_options)
    m = re.search(r"--@\(([^)]*)\)", completion)
    compare("completion: options that take a value (the device test's --@(...))", value_options,
            {"--" + o for o in m.group(1).split("|")} if m else set())

    if problems:
        print("The regtool command line differs from regtool --help:", *problems, sep="\n  ")
        return 1
    print(f"{len(commands)} commands, {len(all_options)} options: the man page, docs/regtool.md and "
          "the bash completion agree with regtool --help")
    return 0


if __name__ == "__main__":
    sys.exit(main())
