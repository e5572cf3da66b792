"""Checks the AWS CLI commands of Markdown documents against botocore's service models.

Every ```sh block is read as shell: lines joined at a trailing backslash, comments dropped,
split at |, &&, ||, ;, $( and ) outside quotes. Each `aws SERVICE OPERATION --param ...`
(also inside a command substitution) must name a service botocore has, an operation of it
(`wait WAITER` a waiter of it) and, for every `--param`, a member of the operation's input (or
its `--no-` form for a boolean), a global option of the CLI, or a pagination option of a
paginated operation. Prints one line per problem; exits 1 when there is one, 2 on usage.
"""

import re
import shlex
import sys

import botocore.session
from botocore import xform_name

# The AWS CLI's global options (aws help, "GLOBAL OPTIONS") that a document may use.
GLOBAL_OPTIONS = {
    "region", "profile", "output", "query", "no-cli-pager", "endpoint-url", "debug",
    "no-paginate", "cli-input-json", "cli-input-yaml", "color", "no-verify-ssl",
    "cli-read-timeout", "cli-connect-timeout", "no-sign-request", "ca-bundle",
}
# What the CLI adds to a paginated operation.
PAGINATION_OPTIONS = {"max-items", "starting-token", "page-size"}
SEPARATORS = {"|", "&&", "||", ";", "(", ")", "&", "$"}


def sh_blocks(text):
    """The bodies of the ```sh / ```bash blocks, with their first line numbers."""
    for m in re.finditer(r"^```(?:sh|bash|shell)\n(.*?)^```", text, re.S | re.M):
        yield text.count("\n", 0, m.start()) + 2, m.group(1)


def logical_lines(first_line, body):
    """Lines joined at a trailing backslash, without comment-only lines."""
    current, start = "", first_line
    for i, line in enumerate(body.split("\n")):
        if not current:
            start = first_line + i
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip() and not current.strip().startswith("#"):
            yield start, current
        current = ""


def aws_invocations(line):
    """Each `aws ...` invocation of a shell line, as its list of words."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="();<>|&")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = list(lexer)
    out, current = [], None
    for word in words:
        if word in SEPARATORS or set(word) <= set("();<>|&$"):
            if current:
                out.append(current)
            current = None
            continue
        if current is not None:
            current.append(word)
        elif word == "aws" or word.endswith("=$aws"):
            current = []
    if current:
        out.append(current)
    return out


def check(session, words):
    """The problems of one invocation (its words after `aws`)."""
    if len(words) < 2:
        return [f"'aws {' '.join(words)}' names no operation"]
    service, op = words[0], words[1]
    if service not in session.get_available_services():
        return [f"service '{service}' does not exist in botocore {botocore.__version__}"]
    model = session.get_service_model(service)
    ops = {xform_name(name, "-"): name for name in model.operation_names}
    params = words[2:]
    if op == "wait":
        waiters = session.get_waiter_model(service) if params else None
        names = {xform_name(n, "-"): n for n in (waiters.waiter_names if waiters else [])}
        if not params or params[0] not in names:
            return [f"'aws {service} wait {params[0] if params else ''}' is not a waiter of {service}"]
        operation = model.operation_model(waiters.get_waiter(names[params[0]]).operation)
        params = params[1:]
        paginated = False
    elif op not in ops:
        return [f"'{op}' is not an operation of {service}"]
    else:
        operation = model.operation_model(ops[op])
        paginated = session.get_paginator_model(service)._paginator_config.get(ops[op]) is not None
    members = operation.input_shape.members if operation.input_shape else {}
    known = {}
    for name, shape in members.items():
        known[xform_name(name, "-")] = shape
    problems = []
    for word in params:
        if not word.startswith("--"):
            continue
        option = word[2:].split("=", 1)[0]
        if option in known or option in GLOBAL_OPTIONS or (paginated and option in PAGINATION_OPTIONS):
            continue
        if option.startswith("no-") and option[3:] in known and known[option[3:]].type_name == "boolean":
            continue
        problems.append(f"'--{option}' is not a parameter of aws {service} {op}")
    return problems


def main(paths):
    if not paths:
        print("usage: aws_cli_doc.py DOC.md...", file=sys.stderr)
        return 2
    session = botocore.session.get_session()
    problems, count = [], 0
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for first, body in sh_blocks(text):
            for line_no, line in logical_lines(first, body):
                for words in aws_invocations(line):
                    count += 1
                    for p in check(session, words):
                        problems.append(f"{path}:{line_no}: {p}")
    for p in problems:
        print(p)
    print(f"aws-cli-doc: {count} commands, {len(problems)} problems (botocore {botocore.__version__})")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
