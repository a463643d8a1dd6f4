"""The GitHub Action's step (`action.yml`): its inputs, as GitHub hands them over (INPUT_* variables,
strings), become a `podcast validate --format github` run, whose annotations go to stdout as they
are and whose summary lines become the step's outputs (items, errors, warnings).

Run by the action as `python -m feed_builder.ci.action`; the real command runs in a child process,
so the action does exactly what the same command line does on a podcaster's machine.
"""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Mapping

from feed_builder.validate.report import SUMMARY_LINE

INPUTS = ("feed", "online", "previous", "strict")
OUTPUTS = ("items", "errors", "warnings")


class BadInput(ValueError):
    pass


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(f"INPUT_{name.upper()}", "").strip().lower()
    if value not in ("", "true", "false"):
        raise BadInput(f"input {name}: {value!r} is not a boolean (expected true or false)")
    return value == "true"


def command(env: Mapping[str, str]) -> list[str]:
    """The `podcast validate` command line the inputs ask for."""
    args = [os.path.join(sysconfig.get_path("scripts"), "podcast"), "validate", "--format", "github"]
    if feed := env.get("INPUT_FEED", "").strip():
        args.append(feed)
    if previous := env.get("INPUT_PREVIOUS", "").strip():
        args += ["--previous", previous]
    if _flag(env, "online"):
        args.append("--online")
    if _flag(env, "strict"):
        args.append("--strict")
    return args


def outputs(summary: str) -> dict[str, int]:
    """The counts of every feed's summary line, added up."""
    totals = dict.fromkeys(OUTPUTS, 0)
    for line in summary.splitlines():
        if m := SUMMARY_LINE.fullmatch(line):
            for key in OUTPUTS:
                totals[key] += int(m.group(key))
    return totals


def main(env: Mapping[str, str] = os.environ) -> int:
    try:
        args = command(env)
    except BadInput as e:
        print(f"::error title=podcast validate::{e}", flush=True)
        return 2
    result = subprocess.run(args, stdout=sys.stdout, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(result.stderr)
    if path := env.get("GITHUB_OUTPUT"):
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(f"{key}={value}\n" for key, value in outputs(result.stderr).items())
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
