"""The Python API (cramp_cli/api.py) as a notebook, a pandas pipeline or a Dask job uses it:
the same assessments and the same errors as the command line, lazily, pickled into workers."""

from __future__ import annotations

import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_cli import api
from tests.conftest import EXAMPLES, ROOT, RULES, invoke, write_answers

CRAMPS = Path(sys.executable).parent / "cramps"
DOC = ROOT / "docs" / "python-api.md"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.json"))
BAD_ROWS = [
    {"age": "forty"},
    {"age": 40, "medication": ["Lipitor"]},
    {"sex": "female"},
    {"age": 40, "symptoms": ["one leg swolen"]},
    ["not", "an", "object"],
    {"age": 40, "smoker": "yes"},
]

# The command line takes its region from CRAMPS_REGION, which the tests set to the UK.
UK = "uk"


def _answers(path: Path) -> dict:
    return json.loads(path.read_text())["answers"]


@pytest.fixture(scope="module")
def shipped() -> api.KnowledgeBase:
    return api.load()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_assess_equals_the_json_of_cramps_check(shipped, tmp_path, path):
    answers = _answers(path)
    result = invoke("check", "--answers", str(write_answers(tmp_path, answers)), "--format", "json")
    assert result.code == 0, result.stderr
    assert shipped.assess(answers, region=UK) == result.json()


def test_assess_many_equals_cramps_check_batch_line_for_line(shipped, tmp_path):
    rows = [_answers(path) for path in EXAMPLE_FILES] + BAD_ROWS
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = invoke("check", "--batch", str(source))
    expected = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(expected) == len(rows)
    assert list(shipped.assess_many(rows, on_error="report", region=UK)) == expected
    assert list(shipped.assess_many(rows, on_error="report", jobs=2, region=UK)) == expected


@pytest.mark.parametrize("row", BAD_ROWS, ids=lambda row: json.dumps(row)[:30])
def test_bad_answers_raise_the_message_the_cli_prints(shipped, tmp_path, row):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(row) + "\n")
    cli_line = json.loads(invoke("check", "--batch", str(source)).stdout)
    with pytest.raises(api.AnswersError) as raised:
        shipped.assess(row)
    assert str(raised.value) == cli_line["error"]["message"]
    assert isinstance(raised.value, api.CrampsError)


def test_an_answer_that_does_not_apply_is_ignored_with_the_clis_warning(shipped, tmp_path):
    answers = {"age": 40, "sex": "male", "pregnant": True}
    cli = invoke("check", "--answers", str(write_answers(tmp_path, answers)), "-f", "json")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = shipped.assess(answers, region=UK)
    assert doc == cli.json() and "pregnant" not in doc["answers"]
    assert [w.category for w in caught] == [api.AnswersWarning]
    assert f"cramps: warning: {caught[0].message}" in cli.stderr


def test_assess_many_is_lazy_and_raises_at_the_first_bad_row(shipped):
    seen = []

    def rows():
        for age in (30, 40, 50):
            seen.append(age)
            yield {"age": age}
        yield {"age": "sixty"}
        pytest.fail("read past the bad row")

    results = shipped.assess_many(rows())
    assert seen == []  # nothing read until asked
    assert next(results)["answers"] == {"age": 30}
    assert [doc["answers"]["age"] for doc in (next(results), next(results))] == [40, 50]
    with pytest.raises(api.AnswersError, match="age: must be a whole number"):
        next(results)


def test_jobs_keep_order_and_raise_at_the_first_bad_row_too(shipped):
    rows = [{"age": 1 + i % 110, "symptoms": []} for i in range(400)]
    rows[321] = {"age": 0}
    got = []
    with pytest.raises(api.AnswersError, match="not 0"):
        for doc in shipped.assess_many(rows, jobs=2, fields="answers.age"):
            got.append(doc["answers"]["age"])
    assert got == [row["age"] for row in rows[:321]]


def test_fields_narrow_the_result_as_the_cli_does(shipped, tmp_path):
    answers = _answers(EXAMPLES / "dyazide.json")
    fields = "triage.level,red_flags.id,causes.id,medications"
    cli = invoke("check", "--answers", str(write_answers(tmp_path, answers)), "--fields", fields)
    assert shipped.assess(answers, fields=fields, region=UK) == cli.json()
    assert shipped.assess(answers, fields=fields.split(","), region=UK) == cli.json()
    assert api.assess(answers, fields=fields, region=UK) == cli.json()
    with pytest.raises(api.UsageError, match=r"fields: unknown field 'triage\.lvl'"):
        shipped.assess(answers, fields="triage.lvl")
    assert "causes.drugs.class" in api.field_paths()


def test_module_functions_and_a_rules_path(tmp_path):
    rules = tmp_path / "my-rules.yaml"
    shutil.copy(RULES, rules)
    kb = api.load(rules)
    assert kb.rules_path == str(rules) and kb.sha256 == api.load().sha256
    assert api.assess({"age": 70}, rules=rules) == kb.assess({"age": 70})
    assert list(api.assess_many([{"age": 70}], rules=str(rules))) == [kb.assess({"age": 70})]


def test_a_rules_file_that_is_not_valid_raises_rules_error(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text("version: [\n")
    cli = invoke("check", "--rules", str(broken), "--age", "40", "--no-input")
    with pytest.raises(api.RulesError) as raised:
        api.load(broken)
    assert cli.code == 3
    assert f"cramps: error: {raised.value.problems[0]}" in cli.stderr


def test_a_knowledge_base_pickles_by_reference_and_loads_once(shipped, tmp_path):
    clone = pickle.loads(pickle.dumps(shipped))
    assert clone.sha256 == shipped.sha256
    assert clone.assess({"age": 55}) == shipped.assess({"age": 55})
    rules = tmp_path / "rules.yaml"
    shutil.copy(RULES, rules)
    kb = api.load(rules)
    data = pickle.dumps(kb)
    assert pickle.loads(data) is kb  # this process already holds it
    # Another process loads it from the path; a file changed meanwhile is refused.
    code = (
        "import pickle, sys; kb = pickle.loads(sys.stdin.buffer.read()); "
        "print(kb.assess({'age': 55})['triage']['level'])"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, cwd=ROOT, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().strip() == shipped.assess({"age": 55})["triage"]["level"]
    rules.write_text(rules.read_text() + "\n# edited\n")
    run = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, cwd=ROOT, check=False
    )
    assert run.returncode != 0
    assert b"changed since the knowledge base was loaded" in run.stderr


def test_numpy_values_of_a_pandas_row_are_plain_values(shipped):
    import numpy as np

    answers = {
        "age": np.int64(67),
        "smoker": np.bool_(True),
        "cramps_per_week": np.float64(3),
        "medications": np.array(["Lipitor"]),
    }
    plain = {"age": 67, "smoker": True, "cramps_per_week": 3, "medications": ["Lipitor"]}
    assert shipped.assess(answers) == shipped.assess(plain)
    with pytest.raises(api.AnswersError, match="age: must be"):
        shipped.assess({"age": np.str_("67")})


def test_importing_the_api_loads_nothing_and_check_never_imports_it(tmp_path):
    code = (
        "import sys, cramp_cli.api; "
        "print(sorted(m for m in sys.modules if m.startswith(('cramp_cli.engine', "
        "'cramp_cli.knowledge', 'yaml', 'pydantic', 'orjson'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
    answers = write_answers(tmp_path, {"age": 40})
    code = (
        "import sys; from cramp_cli.cli import run; "
        f"code = run(['check', '--answers', {str(answers)!r}, '--format', 'json']); "
        "print(code, 'cramp_cli.api' in sys.modules, 'orjson' in sys.modules, "
        "'cramp_cli.render.fields' in sys.modules, file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr.split() == ["0", "False", "False", "False"]


# --------------------------------------------------------------------------- the fast path


def _question_values():
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 200),
        st.floats(allow_nan=True),
        st.sampled_from(
            [
                "female",
                " Male ",
                "kidney-disease",
                "Kidney disease",
                "1",
                "x",
                "one_leg_swollen",
                "ONE LEG SWOLLEN",
                "vigorous",
                "high heels",
                "",
            ]
        ),
    )
    return st.one_of(scalars, st.lists(scalars, max_size=4))


@settings(deadline=None, max_examples=300)
@given(value=_question_values(), index=st.integers(0, 100))
def test_the_fast_path_gives_what_the_full_check_gives(kb, value, index):
    """engine/answers.py checks common valid answers without building any message; whatever it
    accepts, normalise_value accepts with the same canonical answer, and whatever
    normalise_value refuses goes the slow way, to its message."""
    from cramp_cli.engine.answers import _SLOW, _checkers, normalise_value
    from cramp_cli.errors import AnswersError

    question = kb.questions[index % len(kb.questions)]
    if value is None:
        return  # "don't know" never reaches a checker
    fast = _checkers(kb)[question.id](value)
    try:
        slow = normalise_value(question, value, None)
    except AnswersError:
        assert fast is _SLOW
        return
    if fast is not _SLOW:
        assert fast == slow and type(fast) is type(slow)
        if isinstance(fast, float):
            assert math.isfinite(fast)


# --------------------------------------------------------------------------- the examples


def _doc_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _intake(folder: Path) -> list[dict]:
    rows = [_answers(path) for path in EXAMPLE_FILES]
    (folder / "intake.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return rows


def test_the_documented_pandas_example_runs(tmp_path, monkeypatch, capsys, shipped):
    pandas_example = _doc_examples()[0]
    assert "intake.apply(" in pandas_example
    rows = _intake(tmp_path)
    monkeypatch.chdir(tmp_path)
    scope: dict = {"__name__": "example"}
    exec(compile(pandas_example, str(DOC), "exec"), scope)
    levels = list(scope["intake"]["triage"])
    assert levels == [shipped.assess(row)["triage"]["level"] for row in rows]
    assert "emergency" in levels and "routine" in levels
    assert "triage" in capsys.readouterr().out


def test_the_documented_dask_example_runs_on_local_processes(tmp_path):
    """Run as its own script, as a user would: Dask's process scheduler pickles the knowledge
    base into fresh worker processes, which load it again."""
    dask_example = _doc_examples()[1]
    assert "map_partitions(kb.assess_many" in dask_example
    _intake(tmp_path)
    script = tmp_path / "example.py"
    script.write_text(
        "import dask\n\nif __name__ == '__main__':\n"
        "    with dask.config.set(scheduler='processes'):\n"
        + "".join(f"        {line}\n" for line in dask_example.splitlines())
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    got = [
        json.loads(line)
        for part in sorted(tmp_path.glob("assessments-*.jsonl"))
        for line in part.read_text().splitlines()
    ]
    fields = "triage.level,red_flags.id"
    cli = subprocess.run(
        [str(CRAMPS), "check", "--batch", str(tmp_path / "intake.jsonl"), "--fields", fields],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert got == [json.loads(line) for line in cli.stdout.splitlines()]
    assert len(got) == len(EXAMPLE_FILES)
