"""The systemd units of the production guide restart what stops, and run what supervisord runs (the
supervisord set-up is the one the suite starts and kills for real)."""

import configparser
import re

from tests.support.processes import ROOT

DEPLOY = ROOT / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(DEPLOY / "systemd" / name)
    return parser


def program_command(name: str) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(DEPLOY / "supervisord.conf")
    return parser[f"program:{name}"]["command"]


def normalise(command: str) -> str:
    """The command without paths, names and bind addresses, which differ by design."""
    command = re.sub(r"\S*/\.venv/bin/|\.venv/bin/", "", command)
    command = re.sub(r"--bind \S+", "--bind ADDR", command)
    return re.sub(r"-n \S+", "-n NAME", command)


def test_every_unit_is_restarted_whatever_made_it_stop() -> None:
    for name in ("redress-web.service", "redress-worker@.service", "redress-beat.service"):
        assert unit(name)["Service"]["Restart"] == "always", name


def test_the_units_run_the_same_commands_as_the_supervised_set_up() -> None:
    pairs = {
        "redress-web.service": "web",
        "redress-worker@.service": "worker",
        "redress-beat.service": "beat",
    }
    for unit_name, program in pairs.items():
        assert normalise(unit(unit_name)["Service"]["ExecStart"]) == normalise(program_command(program))
