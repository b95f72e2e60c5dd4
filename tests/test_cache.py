"""The knowledge-base cache: JSON keyed by the rules file's sha256, ignored when damaged or
stale, and off with CRAMPS_NO_CACHE=1."""

from __future__ import annotations

import json

from cramp_cli.knowledge.loader import load
from tests.conftest import RULES


def cache_files(home):
    return sorted((home / "cache").glob("kb-*.json"))


def test_a_first_load_writes_a_json_cache_keyed_by_the_file(_isolated_home):
    kb = load()
    files = cache_files(_isolated_home)
    assert [f.name.split("-")[1] for f in files] == [kb.sha256]
    entry = json.loads(files[0].read_text())
    assert entry["sha256"] == kb.sha256
    assert entry["data"]["version"] == kb.version


def test_a_cache_hit_gives_the_same_assessments(_isolated_home, kb):
    from tests.conftest import assess

    load()
    cached = load()
    answers = {"age": 67, "medications": ["Dyazide"], "symptoms": ["one_leg_swollen"]}
    assert assess(cached, answers) == assess(kb, answers)


def test_a_damaged_cache_is_ignored_and_rebuilt(_isolated_home):
    kb = load()
    [cache] = cache_files(_isolated_home)
    cache.write_text('{"sha256": "' + kb.sha256 + '", "data": {"rules": 12')
    assert [r.id for r in load().rules] == [r.id for r in kb.rules]
    assert json.loads(cache.read_text())["data"]["version"] == kb.version


def test_a_cache_written_by_other_code_is_rebuilt(_isolated_home):
    kb = load()
    [cache] = cache_files(_isolated_home)
    entry = json.loads(cache.read_text())
    entry["data"]["rules"] = "not rules"
    cache.write_text(json.dumps(entry))
    assert len(load().rules) == len(kb.rules)


def test_an_edited_rules_file_gets_its_own_entry(_isolated_home, tmp_path):
    load()
    edited = tmp_path / "rules.yaml"
    original = load().version
    edited.write_text(RULES.read_text().replace(f'version: "{original}"', 'version: "edited"', 1))
    assert load(edited).version == "edited"
    assert len(cache_files(_isolated_home)) == 2


def test_no_cache_when_turned_off(_isolated_home, monkeypatch):
    monkeypatch.setenv("CRAMPS_NO_CACHE", "1")
    load()
    assert cache_files(_isolated_home) == []
