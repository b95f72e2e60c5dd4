"""The knowledge-base cache (issue #14): JSON keyed by the rules file's sha256 and sealed with
a keyed hash, in a private folder; an edited, planted, foreign, damaged or stale entry is never
used, and CRAMPS_NO_CACHE=1 turns it off."""

from __future__ import annotations

import json
import os
import stat

from cramp_cli.knowledge import loader
from cramp_cli.knowledge.loader import load
from tests.conftest import RULES, assess, invoke

EMERGENCY = {"age": 50, "symptoms": ["breathless_or_chest_pain"]}


def cache_files(home):
    return sorted((home / "cache").glob("kb-*.json"))


def entry_json(path):
    """The JSON body of a sealed entry (after its one-line keyed hash)."""
    return json.loads(path.read_bytes().partition(b"\n")[2])


def reseal_without_key(path, edit):
    """Edit an entry's JSON as an attacker would, keeping the old hash line."""
    head, _, body = path.read_bytes().partition(b"\n")
    data = json.loads(body)
    edit(data["data"])
    path.write_bytes(head + b"\n" + json.dumps(data).encode())


def poison(data):
    """What a poisoner wants: quinine as self-care, chest pain downgraded to routine."""
    data["self_care"][0]["title"] = "Take quinine at bedtime"
    for rule in data["rules"]:
        if rule["id"] == "possible_pulmonary_embolism":
            rule["triage"] = "routine"


def test_a_first_load_writes_a_private_sealed_cache_keyed_by_the_file(_isolated_home):
    kb = load()
    files = cache_files(_isolated_home)
    assert [f.name.split("-")[1] for f in files] == [kb.sha256]
    assert files[0].read_bytes().startswith(b"cramps-cache ")
    assert entry_json(files[0])["data"]["version"] == kb.version
    folder = _isolated_home / "cache"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "key").stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_cache_hit_gives_the_same_assessments(_isolated_home, kb):
    load()
    cached = load()
    answers = {"age": 67, "medications": ["Dyazide"], "symptoms": ["one_leg_swollen"]}
    assert assess(cached, answers) == assess(kb, answers)


def test_an_edited_cache_never_changes_what_check_prints(_isolated_home):
    before = invoke("check", "--answers", "-", "--format", "json", input=json.dumps(EMERGENCY))
    [cache] = cache_files(_isolated_home)
    reseal_without_key(cache, poison)
    after = invoke("check", "--answers", "-", "--format", "json", input=json.dumps(EMERGENCY))
    assert after.code == 0
    assert after.json()["triage"]["level"] == "emergency"
    assert after.stdout == before.stdout
    assert "quinine" not in json.dumps(after.json()["self_care"]).lower()


def test_a_poisoned_cache_with_a_forged_key_is_still_refused_by_the_safety_checks(
    _isolated_home,
):
    """Even someone who read the key (the same user) cannot make chest pain routine."""
    kb = load()
    [cache] = cache_files(_isolated_home)
    key = (_isolated_home / "cache" / "key").read_bytes()
    data = entry_json(cache)
    poison(data["data"])
    body = json.dumps(data).encode()
    cache.write_bytes(loader._seal(key, kb.sha256, body))
    reloaded = load()
    assert assess(reloaded, EMERGENCY)["triage"]["level"] == "emergency"
    assert [t.title for t in reloaded.self_care.values()] == [
        t.title for t in kb.self_care.values()
    ]


def test_a_cache_planted_in_a_folder_others_can_write_is_ignored(_isolated_home):
    load()
    folder = _isolated_home / "cache"
    [cache] = cache_files(_isolated_home)
    key = (folder / "key").read_bytes()
    data = entry_json(cache)
    poison(data["data"])
    cache.write_bytes(loader._seal(key, data["sha256"], json.dumps(data).encode()))
    os.chmod(folder, 0o777)  # a shared folder: anyone could have planted key and entry
    try:
        assert assess(load(), EMERGENCY)["triage"]["level"] == "emergency"
    finally:
        os.chmod(folder, 0o700)


def test_a_cache_entry_others_can_write_is_ignored(_isolated_home, monkeypatch):
    kb = load()
    [cache] = cache_files(_isolated_home)
    os.chmod(cache, 0o666)
    calls = []
    real = loader.validate_bytes
    monkeypatch.setattr(loader, "validate_bytes", lambda *a: calls.append(1) or real(*a))
    assert load().version == kb.version
    assert calls == [1]  # read from the file, not the cache


def test_a_cache_entry_that_is_a_symlink_is_not_followed(_isolated_home, tmp_path, monkeypatch):
    kb = load()
    [cache] = cache_files(_isolated_home)
    elsewhere = tmp_path / "planted.json"
    elsewhere.write_bytes(cache.read_bytes())
    cache.unlink()
    cache.symlink_to(elsewhere)
    calls = []
    real = loader.validate_bytes
    monkeypatch.setattr(loader, "validate_bytes", lambda *a: calls.append(1) or real(*a))
    assert load().version == kb.version
    assert calls == [1]


def test_a_cache_folder_that_is_a_symlink_is_not_used(_isolated_home, tmp_path, monkeypatch):
    target = tmp_path / "real-cache"
    target.mkdir(mode=0o700)
    (_isolated_home / "cache").symlink_to(target)
    load()
    assert list(target.iterdir()) == []


def test_a_damaged_cache_is_ignored_and_rebuilt(_isolated_home):
    kb = load()
    [cache] = cache_files(_isolated_home)
    cache.write_text('cramps-cache 00\n{"sha256": "' + kb.sha256 + '", "data": {"rules": 12')
    assert [r.id for r in load().rules] == [r.id for r in kb.rules]
    assert entry_json(cache)["data"]["version"] == kb.version


def test_a_deeply_nested_cache_is_ignored(_isolated_home):
    kb = load()
    [cache] = cache_files(_isolated_home)
    cache.write_bytes(b"cramps-cache x\n" + b"[" * 100_000 + b"]" * 100_000)
    assert load().version == kb.version


def test_a_blocked_cache_path_leaves_no_temporary_file(_isolated_home):
    kb = load()
    [cache] = cache_files(_isolated_home)
    cache.unlink()
    cache.mkdir()  # the entry's name is taken by a folder: the cache cannot be written
    for _ in range(3):
        assert load().version == kb.version
    assert [p.name for p in (_isolated_home / "cache").iterdir() if p.suffix == ".tmp"] == []


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


def test_a_cache_owned_by_another_user_is_ignored(_isolated_home, monkeypatch):
    """Seen from another user's cramps, this user's folder and entry are foreign."""
    kb = load()
    real_uid = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real_uid + 1)
    calls = []
    real = loader.validate_bytes
    monkeypatch.setattr(loader, "validate_bytes", lambda *a: calls.append(1) or real(*a))
    assert load().version == kb.version
    assert calls == [1]
