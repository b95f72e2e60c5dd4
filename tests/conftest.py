"""Shared fixtures: the shipped knowledge base, a CLI runner that maps exit codes like the
installed command does, and an isolated home for caches and the diary."""

from __future__ import annotations

import inspect
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"
RULES = ROOT / "rules.yaml"


@pytest.fixture(scope="session")
def _seed_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base's cache entry, built once per session.

    A cache miss costs about 0.4 s (YAML and pydantic); copied into each test's own cache
    folder, it keeps the many in-process CLI tests fast without sharing a folder between them.
    """
    folder = tmp_path_factory.mktemp("seed-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAMPS_CACHE_DIR", str(folder))
        from cramp_cli.knowledge.loader import load

        load()
    return folder


# The assessment's keys in contract order (section 2), and with `region` (version 1.1, additive)
# where the knowledge base defines regions, as the shipped one does.
CONTRACT_KEYS = [
    "schema_version",
    "tool",
    "knowledge_base",
    "answers",
    "medications",
    "triage",
    "red_flags",
    "causes",
    "self_care",
    "cautions",
    "see_doctor",
    "tests_to_discuss",
    "unanswered",
    "disclaimer",
]
DOCUMENT_KEYS = [*CONTRACT_KEYS[:3], "region", *CONTRACT_KEYS[3:]]


@pytest.fixture(autouse=True)
def _isolated_home(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    _seed_cache: Path,
):
    """Every test gets its own cache and diary folders; nothing touches the real home.

    The cache starts with the shipped knowledge base's entry, except for a test that takes
    `_isolated_home` itself (the cache's own tests): it gets an empty home.
    """
    home = tmp_path_factory.mktemp("home")
    if "_isolated_home" not in inspect.signature(request.function).parameters:
        (home / "cache").mkdir(mode=0o700)
        for entry in _seed_cache.iterdir():
            shutil.copyfile(entry, home / "cache" / entry.name)
    monkeypatch.setenv("CRAMPS_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("CRAMPS_HOME", str(home / "data"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CRAMPS_FORMAT", raising=False)
    monkeypatch.delenv("CRAMPS_RULES", raising=False)
    # The region follows the locale: tests fix it, so the machine's locale cannot change them.
    # They read in the UK's words, the ones rules.yaml is written in; tests/test_region.py
    # tries the others and the locale's choice.
    monkeypatch.setenv("CRAMPS_REGION", "uk")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield home


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory):
    """The shipped knowledge base, loaded once; its cache goes to a temporary folder too."""
    from cramp_cli.knowledge.loader import load

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAMPS_CACHE_DIR", str(tmp_path_factory.mktemp("kb-cache")))
        return load()


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run `cramps ARGS` in-process through Typer's CliRunner isolation (stdin not a TTY)."""
    from cramp_cli.cli import run

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _):
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def cli():
    return invoke


def write_answers(folder: Path, answers: dict[str, Any], name: str = "answers.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(answers), encoding="utf-8")
    return path


def assess(kb, answers: dict[str, Any]) -> dict[str, Any]:
    """The assessment of a raw answers document through the whole engine, in the region the
    installed command uses in the tests (CRAMPS_REGION), so the two can be compared."""
    import os

    from cramp_cli.engine.answers import normalise
    from cramp_cli.engine.assess import assess as run_engine

    return run_engine(kb, normalise(answers, kb), os.environ.get("CRAMPS_REGION"))


def one_error_line(stderr: str) -> str:
    """The single `cramps: error:` line a failure prints, with no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("cramps: error: ")
    return lines[0]


def as_shown(kb, text: str, region: str | None = None) -> str:
    """A knowledge-base text as a person reads it, in the words of `region`: the knowledge
    base's default when None, as the engine does when it is given none. The installed command
    takes CRAMPS_REGION, which the tests set to "uk"."""
    code = region or kb.default_region
    found = kb.regions.get(code) if code else None
    return found.rewrite(text) if found is not None else text


def advice_as_shown(kb, rule_id: str, region: str | None = None) -> str:
    """A red flag's advice as a person reads it (see as_shown)."""
    return as_shown(kb, kb.rule(rule_id).advice, region)


# The fields of each assessment section that a person reads: what a region rewords.
_READ_FIELDS = {
    "red_flags": ("title", "advice"),
    "causes": ("title", "explanation"),
    "self_care": ("title", "text"),
    "cautions": ("title", "text"),
    "see_doctor": ("text",),
}


def reworded(kb, doc: dict[str, Any], region: str | None) -> dict[str, Any]:
    """The plain definition of an assessment in a region's words: the document as written,
    with every text a person reads rewritten and `region` after `knowledge_base`. The engine
    gets there another way (the knowledge base reworded once per run); this is the oracle."""
    code = region or kb.default_region
    rewrite = kb.regions[code].rewrite
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "triage":
            value = {**value, "summary": rewrite(value["summary"])}
        elif key == "disclaimer":
            value = rewrite(value)
        elif key in _READ_FIELDS:
            value = [
                {
                    k: rewrite(v) if k in _READ_FIELDS[key] and isinstance(v, str) else v
                    for k, v in item.items()
                }
                for item in value
            ]
        out[key] = value
        if key == "knowledge_base":
            out["region"] = code
    return out
