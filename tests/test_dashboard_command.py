"""``residency-guard dashboard`` argument handling (the app itself is tested with Pilot)."""

from __future__ import annotations

import pytest

from residency_guard.cli import build_parser, main


def test_dashboard_subcommand_is_registered_with_its_options(tmp_path) -> None:
    args = build_parser().parse_args(["dashboard", "--events", str(tmp_path / "e.jsonl"), "--feed-size", "50"])
    assert args.events == tmp_path / "e.jsonl" and args.feed_size == 50 and args.poll_interval == 0.2


def test_a_source_is_required(capsys) -> None:
    args = build_parser().parse_args(["dashboard"])
    assert args.func(args) == 2
    assert "--events FILE or --db" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--events", "{tmp}/missing-dir/e.jsonl"], "does not exist"),
        (["--events", "{tmp}"], "is not a file"),
        (["--events", "{tmp}/e.jsonl", "--feed-size", "0"], "must be positive"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, capsys, argv, message) -> None:
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(["dashboard", *argv]) == 2
    assert message in capsys.readouterr().err
