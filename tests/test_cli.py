"""The command line as interface.md fixes it: commands, formats, streams, exit statuses.

Most tests drive the app in-process with typer's CliRunner, which keeps standard output and
standard error apart (`result.stdout`, `result.stderr`); a few run `python -m creval` in a
subprocess to prove that a real user never sees a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app

pytestmark = pytest.mark.usefixtures("abduction_rules")

HAGUE = "hague-abduction-return"
CRITERIA = ["international-removal", "states-party", "child-under-16", "rights-breached",
            "within-one-year", "no-exception-established"]
TOP_KEYS = {"scenario", "file", "as_of", "creval", "rules_digest", "results", "expected", "mismatches"}
RESULT_KEYS = {"test", "outcome", "criteria", "missing", "dates", "sources", "caveats"}

# Proceedings two weeks after the removal, child aged 8: return-forthwith.
GOOD = """\
id: {id}
title: Girl taken from Almaty to Novosibirsk
as_of: 2025-09-01
facts:
  abduction:
    child_birth_date: 2017-08-03
    habitual_residence: KZ
    taken_to: RU
    removal_date: 2025-06-15
    proceedings_date: 2025-07-01
    left_behind_right: custody
    rights_exercised: true
{tail}"""


def good(id: str = "good-1", expected: str | None = None, drop: tuple[str, ...] = (), extra: str = "") -> str:
    tail = f"expected:\n  {HAGUE}: {expected}\n" if expected else ""
    text = GOOD.format(id=id, tail=tail)
    lines = [l for l in text.splitlines() if l.strip().split(":")[0] not in drop]
    return "\n".join(lines) + "\n" + extra


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, [str(a) for a in args])
        # a crash inside the app is a test failure, never an expected outcome
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.stdout + result.stderr
        return result

    return invoke


def stderr_lines(result) -> list[str]:
    return [l for l in result.stderr.splitlines() if l.strip()]


# ---------------------------------------------------------------- check


def test_check_good_file_prints_the_outcome(run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--full", path)
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("== good-1: Girl taken from Almaty to Novosibirsk\n")
    assert f"file {path} | assessed as of 2025-09-01" in out
    assert "OUTCOME  return-forthwith" in out
    for criterion in CRITERIA:
        assert criterion in out
    assert "2033-08-03  child-attains-16" in out
    assert "2026-06-15  one-year-after-removal" in out


def test_check_json_has_the_interface_keys(run, tmp_path):
    path = write(tmp_path, "good.yaml", good(expected="return-forthwith"))
    result = run("check", "--format", "json", path)
    assert result.exit_code == 0
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    assert TOP_KEYS <= set(doc)
    assert doc["scenario"] == "good-1"
    assert doc["file"] == str(path)
    assert doc["as_of"] == "2025-09-01"
    assert isinstance(doc["creval"], str) and doc["creval"]
    assert doc["rules_digest"].startswith("sha256:") and len(doc["rules_digest"]) == len("sha256:") + 64
    assert doc["expected"] == {HAGUE: "return-forthwith"}
    assert doc["mismatches"] == []
    (res,) = doc["results"]
    assert RESULT_KEYS <= set(res)
    assert res["test"] == HAGUE
    assert res["outcome"] == "return-forthwith"
    assert res["missing"] == []
    assert [c["id"] for c in res["criteria"]] == CRITERIA
    for c in res["criteria"]:
        assert {"id", "status", "reason", "source"} <= set(c)
        assert c["status"] == "met"
        assert c["reason"] and c["source"]
    assert res["dates"] == [
        {"event": "child-attains-16", "date": "2033-08-03", "text": res["dates"][0]["text"]},
        {"event": "one-year-after-removal", "date": "2026-06-15", "text": res["dates"][1]["text"]},
    ]
    assert all(d["text"] for d in res["dates"])
    assert any("Art 12" in s for s in res["sources"])
    assert isinstance(res["caveats"], list) and res["caveats"]


def test_check_json_reports_a_mismatch(run, tmp_path):
    path = write(tmp_path, "wrong.yaml", good(expected="return-unless-settled"))
    result = run("check", "--format", "json", path)
    assert result.exit_code == 0  # check evaluates; only verify judges
    doc = json.loads(result.stdout)
    assert doc["mismatches"] == [HAGUE]
    assert doc["expected"] == {HAGUE: "return-unless-settled"}


def test_check_several_files_gives_a_json_array(run, tmp_path):
    a = write(tmp_path, "a.yaml", good("scn-a"))
    b = write(tmp_path, "b.yaml", good("scn-b"))
    result = run("check", "--format", "json", a, b)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert isinstance(doc, list)
    assert [(d["scenario"], d["file"]) for d in doc] == [("scn-a", str(a)), ("scn-b", str(b))]


def test_folder_with_a_bad_file_reports_the_good_and_names_the_bad(run, tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    write(folder, "a-good.yaml", good("scn-a"))
    bad = write(folder, "b-bad.yaml", good("scn-b").replace("taken_to: RU", "taken_to: R1"))
    write(folder, "c-good.json", json.dumps({"id": "scn-c", "as_of": "2025-09-01", "facts": {"abduction": {
        "child_birth_date": "2017-08-03", "habitual_residence": "KZ", "taken_to": "RU",
        "removal_date": "2024-06-15", "proceedings_date": "2025-06-15", "left_behind_right": "custody",
        "rights_exercised": True}}}))
    write(folder, "README.md", "not a scenario")
    result = run("check", "--format", "json", folder)
    assert result.exit_code == 2
    doc = json.loads(result.stdout)  # nothing but results on stdout
    assert [(d["scenario"], d["results"][0]["outcome"]) for d in doc] == [
        ("scn-a", "return-forthwith"), ("scn-c", "return-unless-settled")]
    (line,) = stderr_lines(result)
    assert line == f"{bad}:8: facts.abduction.taken_to: expected an ISO 3166-1 alpha-2 code in upper case (KZ, RU ...), got 'R1'"
    assert "scn-a" not in result.stderr


def test_check_text_with_a_bad_file_still_prints_the_good_one(run, tmp_path):
    ok = write(tmp_path, "ok.yaml", good())
    bad = write(tmp_path, "bad.yaml", "id: [\n")
    result = run("check", ok, bad)
    assert result.exit_code == 2
    assert "OUTCOME      return-forthwith" in result.stdout
    assert str(bad) not in result.stdout
    (line,) = stderr_lines(result)
    assert line == f"{bad}:1: id: not valid YAML: the [ opened here is not closed (expected the node content, but found the end of the file on line 2)"


def test_check_missing_path_exits_2(run, tmp_path):
    result = run("check", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert stderr_lines(result) == [f"{tmp_path / 'nowhere.yaml'}: no such file or folder"]


def test_duplicate_ids_across_files_exit_2_and_name_the_second(run, tmp_path):
    a = write(tmp_path, "a.yaml", good("same"))
    b = write(tmp_path, "b.yaml", good("same"))
    result = run("check", "--format", "json", a, b)
    assert result.exit_code == 2
    # several files named: always an array, even when only one of them is valid
    assert [r["file"] for r in json.loads(result.stdout)] == [str(a)]
    assert stderr_lines(result) == [f"{b}:1: id: duplicate scenario id 'same' (also in {a})"]


# ---------------------------------------------------------------- --as-of, --test, flags


def test_as_of_overrides_the_scenario_date(run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--format", "json", "--as-of", "2033-08-03", path)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2033-08-03"
    res = doc["results"][0]
    assert res["outcome"] == "not-applicable"  # the child attains 16 that day
    assert {c["id"]: c["status"] for c in res["criteria"]}["child-under-16"] == "unmet"
    day_before = json.loads(run("check", "--format", "json", "--as-of", "2033-08-02", path).stdout)
    assert day_before["results"][0]["outcome"] == "return-forthwith"


def test_as_of_replaces_a_scenario_without_a_date(run, tmp_path):
    path = write(tmp_path, "nodate.yaml", good(drop=("as_of",)))
    doc = json.loads(run("check", "--format", "json", "--as-of", "2026-01-01", path).stdout)
    assert doc["as_of"] == "2026-01-01"


@pytest.mark.parametrize("value, hint", [
    ("2025-02-30", ""), ("01.02.2025", "; did you mean 2025-02-01?"), ("2025-1-1", "; did you mean 2025-01-01?"),
    ("tomorrow", ""), ("20250101", ""),
])
def test_bad_as_of_exits_2_with_one_line(run, tmp_path, value, hint):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--as-of", value, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert stderr_lines(result) == [f"creval: --as-of: expected a date as YYYY-MM-DD, got {value!r}{hint}"]


def test_test_option_limits_the_tests_run(twin_rules_dir, run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    both = json.loads(run("--rules", twin_rules_dir, "check", "--format", "json", path).stdout)
    assert [r["test"] for r in both["results"]] == [HAGUE, "hague-abduction-twin"]
    result = run("--rules", twin_rules_dir, "check", "--format", "json", "--test", "hague-abduction-twin", path)
    assert result.exit_code == 0
    assert [r["test"] for r in json.loads(result.stdout)["results"]] == ["hague-abduction-twin"]


def test_unknown_test_id_exits_2(run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--test", "hague-abduction", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = stderr_lines(result)
    assert line.startswith("creval: --test: unknown test 'hague-abduction'")
    assert HAGUE in line


def test_unknown_flag_exits_2_without_traceback(run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--bogus", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "No such option: --bogus" in result.stderr


def test_bad_format_value_exits_2(run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--format", "xml", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "xml" in result.stderr


def test_check_without_paths_exits_2(run):
    result = run("check")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Missing argument" in result.stderr


# ---------------------------------------------------------------- missing facts


def test_missing_names_the_absent_fact_when_undetermined(run, tmp_path):
    path = write(tmp_path, "no-removal.yaml",
                 good(drop=("removal_date", "proceedings_date"), extra="    convention_in_force: true\n"))
    res = json.loads(run("check", "--format", "json", path).stdout)["results"][0]
    assert res["outcome"] == "undetermined"
    assert res["missing"] == ["removal_date"]
    assert {c["id"]: c["status"] for c in res["criteria"]}["within-one-year"] == "unknown"
    assert [d["event"] for d in res["dates"]] == ["child-attains-16"]  # no removal date, no one-year date


def test_missing_birth_date(run, tmp_path):
    path = write(tmp_path, "no-birth.yaml", good(drop=("child_birth_date",)))
    res = json.loads(run("check", "--format", "json", path).stdout)["results"][0]
    assert res["outcome"] == "undetermined"
    assert res["missing"] == ["child_birth_date"]


def test_missing_is_empty_when_determined_even_with_facts_absent(run, tmp_path):
    # the right is `none`: not-applicable, although rights_exercised is absent
    path = write(tmp_path, "none.yaml", good(drop=("rights_exercised",)).replace("custody", "none"))
    res = json.loads(run("check", "--format", "json", path).stdout)["results"][0]
    assert res["outcome"] == "not-applicable"
    assert res["missing"] == []


def test_missing_in_text_output(run, tmp_path):
    path = write(tmp_path, "no-birth.yaml", good(drop=("child_birth_date",)))
    out = run("check", "--full", path).stdout
    assert "OUTCOME  undetermined" in out
    assert "MISSING  child_birth_date" in out
    short = run("check", path).stdout  # the short answer asks the rule file's question
    assert "MISSING      When was the child born?" in short


# ---------------------------------------------------------------- markdown


def test_markdown_has_a_heading_and_the_outcome(run, tmp_path):
    path = write(tmp_path, "good.yaml", good())
    result = run("check", "--format", "markdown", path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# good-1: Girl taken from Almaty to Novosibirsk"
    assert any(l.startswith("## ") and f"(`{HAGUE}`)" in l for l in lines)
    assert "**Outcome: `return-forthwith`.**" in result.stdout
    assert "| Criterion | Status | Reason | Source |" in lines


# ---------------------------------------------------------------- verify


def test_verify_all_pass(run, tmp_path):
    write(tmp_path, "a.yaml", good("a", expected="return-forthwith"))
    write(tmp_path, "b.yaml", good("b", expected="not-applicable").replace("taken_to: RU", "taken_to: KZ"))
    result = run("verify", tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"
    assert "MISMATCH" not in result.stdout


def test_verify_mismatch_exits_1_and_prints_it(run, tmp_path):
    write(tmp_path, "a.yaml", good("a", expected="return-forthwith"))
    bad = write(tmp_path, "b.yaml", good("b", expected="return-unless-settled"))
    result = run("verify", tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "1 passed, 1 failed"
    (mismatch,) = [l for l in lines if l.startswith("MISMATCH")]
    assert mismatch.startswith(f"MISMATCH b ({bad}) {HAGUE}: expected return-unless-settled, got return-forthwith")


def test_verify_with_an_invalid_file_exits_2_and_counts_it_failed(run, tmp_path):
    write(tmp_path, "a.yaml", good("a", expected="return-forthwith"))
    bad = write(tmp_path, "b.yaml", good("b", expected="return-forthwith").replace("2025-07-01", "2025-07-32"))
    result = run("verify", tmp_path)
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert stderr_lines(result) == [
        f"{bad}:10: facts.abduction.proceedings_date: '2025-07-32' is not a calendar date"]


def test_verify_as_of_can_turn_a_pass_into_a_mismatch(run, tmp_path):
    write(tmp_path, "a.yaml", good("a", expected="return-forthwith"))
    result = run("verify", "--as-of", "2034-01-01", tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed"


# ---------------------------------------------------------------- rules, schema


def test_rules_lists_the_hague_test(run):
    result = run("rules")
    assert result.exit_code == 0
    assert result.stdout.startswith("rules sha256:")
    assert f"\n{HAGUE}  [matter: abduction]\n" in result.stdout
    assert "Hague Child Abduction Convention 1980, Art 12" in result.stdout


def test_rules_show_prints_criteria_and_sources(run):
    result = run("rules", "show", HAGUE)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(f"{HAGUE}: ")
    for criterion in CRITERIA:
        assert f"  {criterion}: " in out
    assert "Hague Child Abduction Convention 1980, Art 4" in out
    assert "Hague Child Abduction Convention 1980, Arts 35, 38" in out
    assert "age_limit = 16" in out
    for outcome in ("not-applicable", "access-only", "return-forthwith", "return-unless-settled"):
        assert outcome in out


def test_rules_show_dates_the_kazakhstan_united_kingdom_pair_as_known_by(run):
    out = run("rules", "show", HAGUE).stdout
    assert "The United Kingdom accepted Kazakhstan's accession: in force from 2019-12-01 at the latest; not known from 2013-09-01 [likely]" in out
    assert "AB v CD (Abduction; Undertakings) [2021] EWHC 665 (Fam)" in out


def test_rules_show_unknown_exits_2(run):
    result = run("rules", "show", "nope")
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = stderr_lines(result)
    assert line.startswith("creval: unknown test 'nope'")


def test_schema_is_json_schema_with_facts(run):
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "facts" in schema["properties"]
    assert "id" in schema["required"] and "facts" in schema["required"]
    assert "abduction" in result.stdout and "removal_date" in result.stdout
    assert "custody" in result.stdout  # the enumeration is in the schema


# ---------------------------------------------------------------- a real process


def creval(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "creval", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env=os.environ.copy())


def test_process_bad_file_one_line_no_traceback(tmp_path):
    bad = write(tmp_path, "bad.yaml", good().replace("rights_exercised: true", "rights_exercised: yes"))
    proc = creval("check", bad, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"{bad}:12: facts.abduction.rights_exercised: expected true or false, got 'yes'; did you mean true?\n"


def test_process_bad_flag_no_traceback(tmp_path):
    proc = creval("check", "--as-of", "2025-13-01", "x.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "creval: --as-of: expected a date as YYYY-MM-DD, got '2025-13-01'\n"
    proc = creval("frobnicate", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "No such command" in proc.stderr


def test_process_json_and_binary_garbage(tmp_path):
    ok = write(tmp_path, "ok.yaml", good())
    junk = tmp_path / "junk.json"
    junk.write_bytes(bytes(range(256)) * 4)
    proc = creval("check", "--format", "json", ok, junk, cwd=tmp_path)
    assert proc.returncode == 2
    assert [r["results"][0]["outcome"] for r in json.loads(proc.stdout)] == ["return-forthwith"]
    assert proc.stderr == f"{junk}: binary file, not YAML or JSON text\n"


# The process ends without tearing the interpreter down (cli._exit): what it wrote must all
# arrive, its exit status must stand, and a reader that goes away must not cost a traceback.

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "hague"  # this module's rules: abduction only


def test_process_output_arrives_whole_and_the_status_stands(run, tmp_path):
    in_process = run("check", "--format", "json", str(SCENARIOS))
    proc = creval("check", "--format", "json", SCENARIOS, cwd=tmp_path)
    assert proc.returncode == in_process.exit_code == 0
    assert len(proc.stdout) > 100_000 and json.loads(proc.stdout) == json.loads(in_process.stdout)
    mismatch = write(tmp_path, "mismatch.yaml", good(expected="not-applicable"))
    assert creval("verify", mismatch, cwd=tmp_path).returncode == 1


def test_process_reader_that_goes_away_gets_no_traceback(tmp_path):
    proc = subprocess.run(f"'{sys.executable}' -m creval check '{SCENARIOS}' | head -n 1", shell=True, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.startswith("== ") and proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr


def test_process_batch_with_workers_exits_normally(tmp_path):
    lines = "\n".join(json.dumps({"id": f"s{i}", "as_of": "2025-09-01",
                                  "facts": {"abduction": {"child_birth_date": "2017-08-03", "removal_date": "2025-06-15"}}})
                      for i in range(600)) + "\n"
    proc = subprocess.run([sys.executable, "-m", "creval", "batch", "--workers", "2"], input=lines, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["scenario"] for line in proc.stdout.splitlines()] == [f"s{i}" for i in range(600)]


@pytest.mark.parametrize("lang, words", [("ru", "- дата рождения ребёнка (child_birth_date)"),
                                         ("kk", "- баланың туған күні (child_birth_date)")])
def test_full_text_names_the_missing_facts_in_words_in_russian_and_kazakh(run, tmp_path, lang, words):
    # «НЕ ХВАТАЕТ  child_birth_date, habitual_residence» was a row of codes inside a Russian report.
    path = write(tmp_path, "m.yaml", good(drop=("child_birth_date",)))
    out = run("check", "--full", "--lang", lang, path).stdout
    assert words in out
    assert "child_birth_date," not in out
    assert "MISSING  child_birth_date" in run("check", "--full", path).stdout  # English keeps the codes
