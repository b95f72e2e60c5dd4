"""`cramps report`: the Markdown a person pipes or saves, and the HTML page they print."""

from __future__ import annotations

import re
import stat
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from cramp_cli.diary import store as diary
from tests.conftest import invoke

NASTY_NOTE = '<script>alert("x")</script> & <b>bold</b> | *stars* [link](http://x)'
NASTY_MEDICINE = "<img src=x onerror=alert(1)>"


def when(days: int, hour: int = 22) -> str:
    moment = datetime.now().astimezone() - timedelta(days=days)
    return moment.replace(hour=hour, minute=5, second=0, microsecond=0).isoformat()


def log(*args: str) -> None:
    result = invoke(
        "log", "--leg", "left", "--muscle", "calf", "--minutes", "3", "--severity", "6", *args
    )
    assert result.code == 0, result.stderr


@pytest.fixture
def diary_with_entries() -> None:
    log("--when", when(1), "--note", NASTY_NOTE, "--helped", "stretching")
    log("--when", when(3), "--muscle", "foot", "--minutes", "1.5")
    log("--when", when(10), "--leg", "both", "--severity", "9")
    log("--when", when(120), "--note", "long ago, outside the window")


@pytest.fixture
def saved_assessment() -> dict:
    result = invoke(
        "check",
        "--age",
        "67",
        "--medication",
        "Lipitor 40 mg",
        "--medication",
        NASTY_MEDICINE,
        "--symptom",
        "one_leg_swollen",
        "--save",
        "--format",
        "json",
    )
    assert result.code == 0, result.stderr
    return result.json()


# --------------------------------------------------------------------------- Markdown


def test_markdown_on_stdout_has_every_part(diary_with_entries, saved_assessment):
    result = invoke("report")
    assert result.code == 0, result.stderr
    md = result.stdout
    headings = re.findall(r"^#+ (.+)$", md, flags=re.M)
    assert headings[0] == "Leg cramp report"
    assert headings[1].startswith("Assessment (saved ")
    assert "Red flags" in headings and "Likely contributing causes" in headings
    assert "Medicines as recognised" in headings and "Entries" in headings
    assert headings.index("Red flags") < headings.index("Likely contributing causes")
    assert any(h.startswith("Cramp diary: the 8 weeks from") for h in headings)
    assert "Nights with cramps per week" in headings
    assert "**Triage: URGENT: see a doctor today.**" in md
    assert saved_assessment["red_flags"][0]["title"] in md
    assert "Lipitor 40 mg -> atorvastatin (brand name): statin" in md
    assert saved_assessment["disclaimer"] in md


def test_markdown_statistics_chart_and_entries(diary_with_entries):
    md = invoke("report").stdout
    assert "- Episodes: 3" in md
    assert "- Mean severity: 7.0 out of 10" in md
    chart = md.split("```text\n")[1].split("```")[0].splitlines()
    assert len(chart) == 8
    counts = [re.search(r"  (\d+)(  \(so far\))?$", line) for line in chart]
    assert all(counts)
    assert sum(int(m.group(1)) for m in counts if m) == 3
    rows = [line for line in md.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == 3  # the entry of 120 days ago is outside the 8 weeks
    assert "long ago" not in md


def test_markdown_escapes_what_a_person_typed(diary_with_entries):
    md = invoke("report").stdout
    (row,) = [line for line in md.splitlines() if "alert" in line]
    assert not re.search(r"(?<!\\)<", row)  # every < is escaped: no raw HTML
    assert r"\<script>" in row
    assert r"\| \*stars\* \[link\]" in row
    assert row.count(" | ") == 7  # the note's | does not add a column


def test_report_without_a_saved_assessment_says_how_to_add_one(diary_with_entries):
    result = invoke("report")
    assert result.code == 0
    assert "No saved assessment. Run cramps check --save" in result.stdout
    assert "cramps check --save" in result.stderr
    assert "not a diagnosis" in result.stdout


def test_report_of_an_empty_diary():
    result = invoke("report")
    assert result.code == 0
    assert "No entries in these weeks." in result.stdout
    assert not diary.diary_path().exists()


def test_report_weeks(diary_with_entries):
    md = invoke("report", "--weeks", "26").stdout
    assert "the 26 weeks from" in md
    assert "long ago" in md
    assert invoke("report", "--weeks", "1").code == 2


def test_report_md_file_is_private(tmp_path, diary_with_entries):
    out = tmp_path / "report.md"
    result = invoke("report", "--out", str(out))
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text().startswith("# Leg cramp report")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert str(out) in result.stderr


@pytest.mark.parametrize("name", ["report.txt", "report", "report.pdf"])
def test_report_out_must_be_md_or_html(tmp_path, name):
    result = invoke("report", "--out", str(tmp_path / name))
    assert result.code == 2
    assert "must end in .md or .html" in result.stderr
    assert not (tmp_path / name).exists()


def test_report_out_in_a_missing_folder_exits_2(tmp_path):
    assert invoke("report", "--out", str(tmp_path / "no" / "r.html")).code == 2


# --------------------------------------------------------------------------- HTML


class Page(HTMLParser):
    """What a browser would see: the tags, sections, headings and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.sections: list[str] = []
        self.headings: list[str] = []
        self.cells: list[str] = []
        self.svg_text: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag == "section":
            self.sections.append(dict(attrs)["id"])
        if tag not in ("meta", "rect", "br"):
            self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        top = self._stack[-1] if self._stack else ""
        if top in ("h1", "h2", "h3"):
            self.headings.append(data.strip())
        elif top == "td":
            self.cells.append(data)
        elif top == "text":
            self.svg_text.append(data)


def html_report(tmp_path) -> tuple[str, Page]:
    out = tmp_path / "report.html"
    result = invoke("report", "--out", str(out))
    assert result.code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    return text, page


def test_html_is_one_standalone_page(tmp_path, diary_with_entries, saved_assessment):
    text, page = html_report(tmp_path)
    assert text.startswith("<!DOCTYPE html>")
    assert page.tags.count("html") == 1 and page.tags.count("style") == 1
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [v for k, v in page.attrs if k in ("src", "href")]
    assert "@media print" in text and "@page" in text
    assert "default-src 'none'" in text
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o600


def test_html_has_the_sections_in_order(tmp_path, diary_with_entries, saved_assessment):
    _, page = html_report(tmp_path)
    assert page.sections == ["assessment", "diary", "entries"]
    assert page.headings[0] == "Leg cramp report"
    assert page.headings.index("Red flags") < page.headings.index("Likely contributing causes")
    assert "Medicines as recognised" in page.headings
    assert "Nights with cramps per week" in page.headings
    text = "".join(page.text)
    assert "Triage: URGENT: see a doctor today." in text
    assert saved_assessment["disclaimer"] in text


def test_html_escapes_every_piece_of_user_text(tmp_path, diary_with_entries, saved_assessment):
    raw, page = html_report(tmp_path)
    assert NASTY_NOTE in page.cells  # shown exactly as typed
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert NASTY_MEDICINE in "".join(page.text)
    assert "<script>" not in raw and "<img" not in raw
    assert "&lt;script&gt;" in raw


def test_html_chart_writes_the_number_of_every_bar(tmp_path, diary_with_entries):
    text, page = html_report(tmp_path)
    assert page.tags.count("svg") == 1
    assert page.tags.count("rect") == 8
    weeks = [t for t in page.svg_text if re.match(r"^\d{4}-W\d\d$", t)]
    numbers = [t for t in page.svg_text if re.match(r"^\d+( \(so far\))?$", t)]
    assert len(weeks) == len(numbers) == 8
    assert sum(int(n.split()[0]) for n in numbers) == 3
    assert "<title" in text and "<desc" in text  # read aloud by screen readers


def test_html_without_an_assessment_or_entries(tmp_path):
    _, page = html_report(tmp_path)
    text = "".join(page.text)
    assert "No saved assessment. Run cramps check --save" in text
    assert "No entries in these weeks." in text
