"""Every kind of bad scenario input that interface.md lists, one test each.

Each test writes a small file to tmp_path, loads it as `creval check` does (loader.load_paths)
and asserts the exact error: file, line (for YAML, the line of the offending key), field path,
what the message says, and that the printed message is one line of the form
`FILE[:LINE]: [FIELD: ]MESSAGE`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from creval.input import loader
from creval.input.loader import InputError, load_paths

pytestmark = pytest.mark.usefixtures("abduction_rules")

# The base scenario, valid; each test changes one thing. Line numbers (1-based):
#  1 id, 2 as_of, 3 facts, 4 abduction, 5 child_birth_date, 6 habitual_residence, 7 taken_to,
#  8 removal_date, 9 proceedings_date, 10 left_behind_right, 11 rights_exercised
BASE_FACTS = {
    "child_birth_date": "2017-08-03",
    "habitual_residence": "KZ",
    "taken_to": "RU",
    "removal_date": "2025-06-15",
    "proceedings_date": "2025-07-01",
    "left_behind_right": "custody",
    "rights_exercised": "true",
}
LINE = {name: 5 + i for i, name in enumerate(BASE_FACTS)}
ID_LINE, AS_OF_LINE, FACTS_LINE, ABDUCTION_LINE, END_LINE = 1, 2, 3, 4, 12


def scenario_yaml(id: str = "t-1", as_of: str = "2025-09-01", tail: str = "", **facts: str) -> str:
    """The base scenario as YAML text, with facts replaced in place (line numbers kept)."""
    lines = [f"id: {id}", f"as_of: {as_of}", "facts:", "  abduction:"]
    lines += [f"    {name}: {facts.get(name, value)}" for name, value in BASE_FACTS.items()]
    return "\n".join(lines) + "\n" + tail


def base_json(**changes) -> dict:
    facts = {k: (v == "true" if k == "rights_exercised" else v) for k, v in BASE_FACTS.items()}
    facts.update(changes)
    return {"id": "t-1", "as_of": "2025-09-01", "facts": {"abduction": facts}}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load(book, *paths: Path):
    return list(load_paths([str(p) for p in paths], book))


def errors_of(book, path: Path) -> list[InputError]:
    (loaded,) = load(book, path)
    assert loaded.scenario is None, f"{path.name} was accepted"
    assert loaded.errors
    return loaded.errors


def one_error(book, path: Path, *, line: int | None, field: str | None, says: tuple[str, ...]) -> InputError:
    errors = errors_of(book, path)
    assert len(errors) == 1, [str(e) for e in errors]
    (err,) = errors
    assert_error(err, path, line=line, field=field, says=says)
    return err


def assert_error(err: InputError, path: Path, *, line, field, says) -> None:
    assert err.file == str(path)
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    for fragment in says:
        assert fragment in err.message, f"{fragment!r} not in {err.message!r}"
    text = str(err)
    assert "\n" not in text and "\r" not in text
    prefix = str(path) + (f":{line}" if line else "") + ": " + (f"{field}: " if field else "")
    assert text.startswith(prefix), text
    assert text == prefix + err.message


# ---------------------------------------------------------------- the baseline


def test_base_scenario_is_valid_and_lines_are_as_documented(book, tmp_path):
    text = scenario_yaml()
    for name, line in LINE.items():
        assert text.splitlines()[line - 1].strip().startswith(f"{name}:")
    (loaded,) = load(book, write(tmp_path, "ok.yaml", text))
    assert loaded.errors == []
    assert loaded.scenario.id == "t-1"
    (loaded,) = load(book, write(tmp_path, "ok.json", json.dumps(base_json())))
    assert loaded.errors == []


def test_null_fact_is_unknown_not_an_error(book, tmp_path):
    (loaded,) = load(book, write(tmp_path, "null.yaml", scenario_yaml(removal_date="null", rights_exercised="")))
    assert loaded.errors == []
    assert loaded.scenario.facts.abduction.removal_date is None
    assert loaded.scenario.facts.abduction.rights_exercised is None


# ---------------------------------------------------------------- wrong type


def test_quoted_string_for_a_bool(book, tmp_path):
    path = write(tmp_path, "s.yaml", scenario_yaml(rights_exercised='"true"'))
    one_error(book, path, line=LINE["rights_exercised"], field="facts.abduction.rights_exercised",
              says=("expected true or false, got 'true'; did you mean true?",))


def test_yes_for_a_bool(book, tmp_path):
    # YAML 1.2: `yes` is a string, never silently true
    path = write(tmp_path, "yes.yaml", scenario_yaml(rights_exercised="yes"))
    one_error(book, path, line=LINE["rights_exercised"], field="facts.abduction.rights_exercised",
              says=("expected true or false", "'yes'", "did you mean true?"))


def test_number_for_a_bool(book, tmp_path):
    path = write(tmp_path, "one.yaml", scenario_yaml(rights_exercised="1"))
    one_error(book, path, line=LINE["rights_exercised"], field="facts.abduction.rights_exercised",
              says=("valid boolean", "got 1"))


def test_number_for_a_date(book, tmp_path):
    path = write(tmp_path, "n.yaml", scenario_yaml(removal_date="20250615"))
    one_error(book, path, line=LINE["removal_date"], field="facts.abduction.removal_date",
              says=("expected a date as YYYY-MM-DD", "20250615"))


def test_string_for_a_bool_in_json(book, tmp_path):
    path = write(tmp_path, "s.json", json.dumps(base_json(rights_exercised="yes")))
    one_error(book, path, line=None, field="facts.abduction.rights_exercised", says=("expected true or false", "'yes'", "did you mean true?"))


def test_number_for_a_date_in_json(book, tmp_path):
    path = write(tmp_path, "n.json", json.dumps(base_json(removal_date=20250615)))
    one_error(book, path, line=None, field="facts.abduction.removal_date",
              says=("expected a date as YYYY-MM-DD", "20250615"))


def test_mapping_for_a_state(book, tmp_path):
    path = write(tmp_path, "m.yaml", scenario_yaml(taken_to="{code: RU}"))
    one_error(book, path, line=LINE["taken_to"], field="facts.abduction.taken_to", says=("ISO 3166-1 alpha-2",))


# ---------------------------------------------------------------- enumerations


def test_value_outside_its_enumeration(book, tmp_path):
    path = write(tmp_path, "e.yaml", scenario_yaml(left_behind_right="guardianship"))
    one_error(book, path, line=LINE["left_behind_right"], field="facts.abduction.left_behind_right",
              says=("'custody', 'access' or 'none'", "'guardianship'"))


def test_enumerated_value_in_another_case_is_read_as_the_value(book, tmp_path):
    path = write(tmp_path, "c.yaml", scenario_yaml(left_behind_right="Custody", habitual_residence="kz"))
    (loaded,) = load(book, path)
    assert not loaded.errors
    facts = loaded.scenario.facts.abduction
    assert (facts.left_behind_right, facts.habitual_residence) == ("custody", "KZ")


# ---------------------------------------------------------------- unknown names


def test_unknown_matter(book, tmp_path):
    path = write(tmp_path, "m.yaml", scenario_yaml(tail="  custody_dispute:\n    child_birth_date: 2017-08-03\n"))
    one_error(book, path, line=END_LINE, field="facts.custody_dispute",
              says=("unknown matter 'custody_dispute'", "abduction"))


def test_unknown_fact_name(book, tmp_path):
    path = write(tmp_path, "f.yaml", scenario_yaml(tail="    child_name: Dana\n"))
    one_error(book, path, line=END_LINE, field="facts.abduction.child_name",
              says=("unknown fact 'child_name'", "'abduction'", "removal_date"))


def test_unknown_top_level_field(book, tmp_path):
    path = write(tmp_path, "t.yaml", scenario_yaml(tail="verdict: return\n"))
    one_error(book, path, line=END_LINE, field="verdict", says=("unknown field 'verdict'",))


def test_facts_naming_no_matter(book, tmp_path):
    path = write(tmp_path, "empty-facts.yaml", "id: t-1\nfacts: {}\n")
    one_error(book, path, line=2, field="facts", says=("at least one matter",))


# ---------------------------------------------------------------- malformed dates


@pytest.mark.parametrize(
    "value, says",
    [
        ("2025-13-01", ("'2025-13-01' is not a calendar date",)),
        ("2025-02-30", ("'2025-02-30' is not a calendar date",)),
        ('"01.02.2025"', ("expected a date as YYYY-MM-DD", "'01.02.2025'")),
        ("2025-6-15", ("expected a date as YYYY-MM-DD", "'2025-6-15'")),
        ("2025-06-15 10:00:00", ("expected a date as YYYY-MM-DD", "'2025-06-15 10:00:00'")),
    ],
    ids=["month-13", "30-february", "dotted", "no-zero-padding", "with-time"],
)
def test_malformed_date(book, tmp_path, value, says):
    path = write(tmp_path, "d.yaml", scenario_yaml(removal_date=value))
    one_error(book, path, line=LINE["removal_date"], field="facts.abduction.removal_date", says=says)


def test_malformed_as_of(book, tmp_path):
    path = write(tmp_path, "a.yaml", scenario_yaml(as_of="2025-02-29"))
    one_error(book, path, line=AS_OF_LINE, field="as_of", says=("'2025-02-29' is not a calendar date",))


def test_malformed_date_in_json(book, tmp_path):
    path = write(tmp_path, "d.json", json.dumps(base_json(removal_date="2025-02-30")))
    one_error(book, path, line=None, field="facts.abduction.removal_date", says=("is not a calendar date",))


# ---------------------------------------------------------------- malformed state codes


@pytest.mark.parametrize(
    "value, says",
    [
        ("kzz", ("upper case", "'kzz'")),
        ("KAZ", ("alpha-2", "'KAZ'")),
        ("XX", ("'XX' is not an ISO 3166-1 alpha-2 country code",)),
        ('"398"', ("alpha-2", "'398'")),
    ],
    ids=["lower-case-alpha-3", "alpha-3", "not-a-country", "numeric"],
)
def test_malformed_state_code(book, tmp_path, value, says):
    path = write(tmp_path, "s.yaml", scenario_yaml(habitual_residence=value))
    one_error(book, path, line=LINE["habitual_residence"], field="facts.abduction.habitual_residence", says=says)


# ---------------------------------------------------------------- contradictory facts


def test_removal_before_the_childs_birth(book, tmp_path):
    path = write(tmp_path, "c.yaml", scenario_yaml(removal_date="2016-06-15", proceedings_date="2016-07-01"))
    one_error(book, path, line=LINE["removal_date"], field="facts.abduction.removal_date",
              says=("removal is before the child's birth", "2017-08-03", "2016-06-15"))


def test_proceedings_before_the_removal(book, tmp_path):
    path = write(tmp_path, "c.yaml", scenario_yaml(proceedings_date="2025-06-14"))
    one_error(book, path, line=LINE["proceedings_date"], field="facts.abduction.proceedings_date",
              says=("proceedings commence before the removal", "2025-06-14", "2025-06-15"))


def test_proceedings_on_the_day_of_removal_is_not_a_contradiction(book, tmp_path):
    (loaded,) = load(book, write(tmp_path, "same-day.yaml", scenario_yaml(proceedings_date="2025-06-15")))
    assert loaded.errors == []


def test_birth_after_as_of(book, tmp_path):
    path = write(tmp_path, "c.yaml", scenario_yaml(as_of="2017-08-02", removal_date="null", proceedings_date="null"))
    one_error(book, path, line=LINE["child_birth_date"], field="facts.abduction.child_birth_date",
              says=("born after the assessment date", "2017-08-03", "2017-08-02"))


def test_birth_after_an_as_of_given_on_the_command_line(book, tmp_path):
    from datetime import date

    path = write(tmp_path, "c.yaml", scenario_yaml(removal_date="null", proceedings_date="null"))
    (loaded,) = load_paths([str(path)], book, date(2017, 1, 1))
    assert len(loaded.errors) == 1
    assert_error(loaded.errors[0], path, line=LINE["child_birth_date"], field="facts.abduction.child_birth_date",
                 says=("born after the assessment date",))


# ---------------------------------------------------------------- not YAML / not JSON / not text


def test_not_yaml_unbalanced_brackets(book, tmp_path):
    path = write(tmp_path, "b.yaml", scenario_yaml(taken_to="[RU"))
    one_error(book, path, line=LINE["taken_to"], field="facts.abduction.taken_to",
              says=("not valid YAML", "the [ opened here is not closed", f"on line {LINE['taken_to'] + 1}"))


def test_not_yaml_unclosed_mapping_at_end(book, tmp_path):
    path = write(tmp_path, "b.yaml", "id: t-1\nfacts:\n  abduction: {taken_to: RU\n")
    one_error(book, path, line=3, field="facts.abduction", says=("not valid YAML", "the { opened here is not closed", "on line 4"))


def test_not_json_trailing_comma(book, tmp_path):
    text = '{\n  "id": "t-1",\n  "facts": {\n    "abduction": {\n      "taken_to": "RU",\n    }\n  }\n}\n'
    path = write(tmp_path, "t.json", text)
    if sys.version_info >= (3, 13):  # Python 3.13's decoder names the comma itself, on line 5
        one_error(book, path, line=5, field=None, says=("not valid JSON", "Illegal trailing comma before end of object"))
    else:  # earlier ones stop at the `}` after it, on line 6
        one_error(book, path, line=6, field=None, says=("not valid JSON", "Expecting property name"))


def test_json_nan_is_refused(book, tmp_path):
    path = write(tmp_path, "nan.json", '{"id": "t-1", "facts": {"abduction": {"removal_date": NaN}}}')
    one_error(book, path, line=None, field=None, says=("NaN is not a valid value",))


def test_not_utf8_latin1_bytes(book, tmp_path):
    text = scenario_yaml(tail="narrative: caf\u00e9 au lait\n")
    path = write(tmp_path, "l.yaml", text.encode("latin-1"))
    offset = text.encode("latin-1").index(b"\xe9")
    one_error(book, path, line=END_LINE, field=None, says=("not UTF-8 text", f"byte {offset}", "e9"))


def test_binary_file_with_nul_bytes(book, tmp_path):
    path = write(tmp_path, "bin.yaml", b"id: t-1\nfacts:\n  abduction: {}\n\x00\x01\x02")
    one_error(book, path, line=None, field=None, says=("binary file, not YAML or JSON text",))


def test_utf8_with_non_ascii_text_is_fine(book, tmp_path):
    text = scenario_yaml(tail="narrative: Дана уехала в Новосибирск\n")
    (loaded,) = load(book, write(tmp_path, "ru.yaml", text))
    assert loaded.errors == []


# ---------------------------------------------------------------- not a mapping


def test_document_is_a_yaml_list(book, tmp_path):
    path = write(tmp_path, "list.yaml", "- id: t-1\n- facts: {}\n")
    one_error(book, path, line=None, field=None, says=("a scenario is a mapping", "not a list"))


def test_document_is_a_bare_string(book, tmp_path):
    path = write(tmp_path, "str.yaml", "just some words\n")
    one_error(book, path, line=None, field=None, says=("a scenario is a mapping", "not a single value"))


def test_document_is_a_json_array(book, tmp_path):
    path = write(tmp_path, "arr.json", json.dumps([base_json()]))
    one_error(book, path, line=None, field=None, says=("a scenario is a mapping", "not a list"))


def test_empty_file(book, tmp_path):
    path = write(tmp_path, "empty.yaml", "")
    one_error(book, path, line=None, field=None, says=("a scenario is a mapping", "empty document"))


def test_matter_is_not_a_mapping(book, tmp_path):
    path = write(tmp_path, "m.yaml", "id: t-1\nfacts:\n  abduction: [KZ, RU]\n")
    one_error(book, path, line=3, field="facts.abduction", says=("valid dictionary",))


# ---------------------------------------------------------------- id


def test_missing_id(book, tmp_path):
    path = write(tmp_path, "noid.yaml", scenario_yaml().split("\n", 1)[1])
    one_error(book, path, line=None, field="id", says=("required field is missing",))


@pytest.mark.parametrize("bad_id", ['"bad id"', '"t/1"', '"hague!"', '""', '"тест"'],
                         ids=["space", "slash", "bang", "empty", "cyrillic"])
def test_bad_id_characters(book, tmp_path, bad_id):
    path = write(tmp_path, "id.yaml", scenario_yaml(id=bad_id))
    one_error(book, path, line=ID_LINE, field="id", says=("String should",))


def test_id_of_the_wrong_type(book, tmp_path):
    path = write(tmp_path, "id.yaml", scenario_yaml(id="[a, b]"))
    one_error(book, path, line=ID_LINE, field="id", says=("valid string",))


def test_duplicate_scenario_ids_in_one_folder(book, tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    first = write(folder, "a.yaml", scenario_yaml(id="same-id"))
    second = write(folder, "b.json", json.dumps({**base_json(), "id": "same-id"}))
    third = write(folder, "c.yaml", "title: Duplicate, later in the file\n" + scenario_yaml(id="same-id"))
    a, b, c = load(book, folder)
    assert a.file == str(first) and a.errors == [] and a.scenario.id == "same-id"
    assert b.scenario is None and len(b.errors) == 1
    assert_error(b.errors[0], second, line=None, field="id", says=("duplicate scenario id 'same-id'", str(first)))
    assert c.scenario is None and len(c.errors) == 1
    assert_error(c.errors[0], third, line=2, field="id", says=("duplicate scenario id 'same-id'", str(first)))


# ---------------------------------------------------------------- duplicate keys


def test_duplicate_key_in_yaml(book, tmp_path):
    path = write(tmp_path, "dup.yaml", scenario_yaml(tail="    removal_date: 2025-06-16\n"))
    one_error(book, path, line=END_LINE, field="facts.abduction.removal_date",
              says=("duplicate key 'removal_date'", f"first on line {LINE['removal_date']}"))


def test_duplicate_top_level_key_in_yaml(book, tmp_path):
    path = write(tmp_path, "dup.yaml", scenario_yaml(tail="id: t-2\n"))
    one_error(book, path, line=END_LINE, field="id", says=("duplicate key 'id'", f"first on line {ID_LINE}"))


def test_duplicate_key_in_json(book, tmp_path):
    text = '{"id": "t-1", "facts": {"abduction": {"removal_date": "2025-06-15", "removal_date": "2025-06-16"}}}'
    path = write(tmp_path, "dup.json", text)
    one_error(book, path, line=None, field="facts.abduction.removal_date", says=("duplicate key 'removal_date'",))


def test_duplicate_top_level_key_in_json(book, tmp_path):
    path = write(tmp_path, "dup.json", '{"id": "a", "id": "b", "facts": {"abduction": {}}}')
    one_error(book, path, line=None, field="id", says=("duplicate key 'id'",))


# ---------------------------------------------------------------- expected (the answer key)


def test_expected_names_an_unknown_test(book, tmp_path):
    path = write(tmp_path, "x.yaml", scenario_yaml(tail="expected:\n  hague-return: return-forthwith\n"))
    one_error(book, path, line=END_LINE + 1, field="expected.hague-return",
              says=("unknown test 'hague-return'", "hague-abduction-return"))


def test_expected_names_an_outcome_the_test_does_not_have(book, tmp_path):
    path = write(tmp_path, "x.yaml", scenario_yaml(tail="expected:\n  hague-abduction-return: return\n"))
    one_error(book, path, line=END_LINE + 1, field="expected.hague-abduction-return",
              says=("'return' is not an outcome of this test", "return-forthwith", "return-unless-settled"))


def test_expected_with_an_unknown_test_id_of_odd_characters(book, tmp_path):
    path = write(tmp_path, "x.yaml", scenario_yaml(tail='expected:\n  "no such: test": x\n'))
    one_error(book, path, line=END_LINE + 1, field="expected.no such: test", says=("unknown test 'no such: test'",))


def test_expected_outcome_of_the_wrong_type(book, tmp_path):
    path = write(tmp_path, "x.yaml", scenario_yaml(tail="expected:\n  hague-abduction-return: true\n"))
    one_error(book, path, line=END_LINE + 1, field="expected.hague-abduction-return", says=("valid string",))


# ---------------------------------------------------------------- defences: aliases, size, depth


def test_yaml_alias_is_refused(book, tmp_path):
    path = write(tmp_path, "alias.yaml",
                 scenario_yaml(removal_date="&d 2025-06-15", proceedings_date="*d"))
    one_error(book, path, line=LINE["proceedings_date"], field="facts.abduction.proceedings_date",
              says=("YAML aliases (*name) are not allowed",))


def test_yaml_alias_bomb_is_refused_quickly(book, tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 12)]
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\nid: t-1\nfacts: {abduction: {}}\n")
    one_error(book, path, line=2, field="a1.0", says=("YAML aliases",))


def test_file_over_the_size_limit(book, tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # sparse: cheap to make, and refused before it is read
        handle.write(b"id: big\n")
        handle.truncate(loader.MAX_FILE_BYTES + 1)
    one_error(book, path, line=None, field=None,
              says=(f"file is {loader.MAX_FILE_BYTES + 1:,} bytes", f"the limit is {loader.MAX_FILE_BYTES:,}"))


def test_size_limit_boundary(book, tmp_path, monkeypatch):
    data = scenario_yaml().encode()
    path = write(tmp_path, "edge.yaml", data)
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(data))
    (loaded,) = load(book, path)
    assert loaded.errors == []
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(data) - 1)
    one_error(book, path, line=None, field=None, says=(f"file is {len(data):,} bytes",))


def test_yaml_nested_deeper_than_the_limit(book, tmp_path):
    depth = loader.MAX_DEPTH  # the document mapping is level 1, so this list reaches MAX_DEPTH + 1
    path = write(tmp_path, "deep.yaml", "id: t-1\nfacts:\n  abduction: {}\nx: " + "[" * depth + "]" * depth + "\n")
    one_error(book, path, line=4, field="x" + ".0" * (depth - 1), says=(f"nested deeper than {loader.MAX_DEPTH} levels",))


def test_yaml_nested_exactly_to_the_limit_is_parsed(book, tmp_path):
    depth = loader.MAX_DEPTH - 1
    path = write(tmp_path, "deep.yaml", "id: t-1\nfacts:\n  abduction: {}\nx: " + "[" * depth + "]" * depth + "\n")
    one_error(book, path, line=4, field="x", says=("unknown field 'x'",))  # refused as a field, not for depth


def test_json_nested_deeper_than_the_limit(book, tmp_path):
    depth = loader.MAX_DEPTH
    doc = '{"id": "t-1", "facts": {"abduction": {}}, "x": ' + "[" * depth + "]" * depth + "}"
    path = write(tmp_path, "deep.json", doc)
    one_error(book, path, line=None, field="x" + ".0" * (depth - 1), says=(f"nested deeper than {loader.MAX_DEPTH} levels",))


def test_json_nested_very_deep_does_not_crash(book, tmp_path):
    path = write(tmp_path, "abyss.json", "[" * 200_000 + "]" * 200_000)
    one_error(book, path, line=None, field=None, says=(f"nested deeper than {loader.MAX_DEPTH} levels",))


# ---------------------------------------------------------------- paths and messages


def test_missing_file(book, tmp_path):
    path = tmp_path / "nope.yaml"
    one_error(book, path, line=None, field=None, says=("no such file or folder",))


def test_folder_without_scenario_files(book, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    write(folder, "notes.txt", "not a scenario")
    one_error(book, folder, line=None, field=None, says=("no scenario files",))


def test_every_error_in_a_file_is_reported_on_its_own_line(book, tmp_path):
    path = write(tmp_path, "many.yaml",
                 scenario_yaml(habitual_residence="KZZ", removal_date="2025-02-30", rights_exercised="yes"))
    errors = errors_of(book, path)
    assert [(e.line, e.field) for e in errors] == [
        (LINE["habitual_residence"], "facts.abduction.habitual_residence"),
        (LINE["removal_date"], "facts.abduction.removal_date"),
        (LINE["rights_exercised"], "facts.abduction.rights_exercised"),
    ]
    assert all("\n" not in str(e) for e in errors)


def test_message_stays_on_one_line_when_a_key_holds_a_newline(book, tmp_path):
    path = write(tmp_path, "nl.json", '{"id": "t-1", "facts": {"abduction": {"child\\nname": "Dana"}}}')
    (err,) = errors_of(book, path)
    assert err.field == "facts.abduction.child\nname"
    text = str(err)
    assert "\n" not in text
    assert text.startswith(f"{path}: facts.abduction.child\\nname: unknown fact")


# ---------------------------------------------------------------- whatever the bytes, one-line errors

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NOISE = st.text(alphabet=list("[]{}:,-&*!?|>#'\"\\ \t\n0123456789abTZ\u00e9\x00"), min_size=1, max_size=6)


@st.composite
def _mutated(draw):
    text = draw(st.sampled_from([scenario_yaml(), json.dumps(base_json(), indent=1)]))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 4))
        text = text[:at] + draw(_NOISE) + text[at + cut:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_mutated(), suffix=st.sampled_from([".yaml", ".json"]))
def test_any_damage_gives_one_line_errors_never_an_exception(book, tmp_path, text, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    (loaded,) = load(book, path)
    assert (loaded.scenario is None) == bool(loaded.errors)
    for err in loaded.errors:
        line = str(err)
        assert "\n" not in line and "\r" not in line
        assert line.startswith(f"{path}" + (f":{err.line}: " if err.line else ": "))
        if err.line is not None:
            assert 1 <= err.line <= text.count("\n") + 1
