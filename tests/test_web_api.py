"""`creval serve` without a browser: the JSON API gives what the CLI gives (the same result
object, the same messages, the same batch lines), limits and refusals, and the safety rules
of the pages (CSRF, escaping, cookies, trainer key, nothing of other trainees).

FastAPI's TestClient drives the app in-process, on the bundled rules.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creval.cli import app as cli
from creval.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
SCENARIO = REPO / "scenarios" / "hague" / "16th-birthday-day-before.yaml"
PAROLE = REPO / "scenarios" / "parole" / "months-and-days-combined.yaml"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "state.sqlite3"
    with TestClient(create_app(db, RULES)) as c:
        yield c


def cli_run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--rules", str(RULES), *args], input=input)


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


# --- POST /api/v1/check: the CLI's object -------------------------------------------------


@pytest.mark.parametrize("path", [SCENARIO, PAROLE])
def test_check_returns_the_clis_json_object_with_the_same_rules_digest(client, path):
    cli_out = json.loads(cli_run("check", "--format", "json", str(path)).stdout)
    response = client.post("/api/v1/check", content=path.read_bytes(), headers={"content-type": "application/yaml"})
    assert response.status_code == 200
    api = response.json()
    assert api["file"] == "<body>" and cli_out["file"] == str(path)
    api.pop("file"), cli_out.pop("file")
    assert api == cli_out
    assert api["rules_digest"].startswith("sha256:")


def test_check_takes_json_and_the_clis_options(client):
    doc = {"id": "x", "as_of": "2026-01-01",
           "facts": {"abduction": {"child_birth_date": "2015-04-02", "habitual_residence": "KZ", "taken_to": "RU",
                                   "removal_date": "2025-04-10", "left_behind_right": "custody", "rights_exercised": True}}}
    plain = client.post("/api/v1/check", json=doc).json()
    later = client.post("/api/v1/check?as_of=2031-04-02&lang=ru", json=doc).json()
    assert plain["results"][0]["outcome"] == "return-forthwith"
    assert later["as_of"] == "2031-04-02" and later["results"][0]["outcome"] == "not-applicable"
    assert re.search("[А-Яа-я]", later["results"][0]["explanation"])
    assert client.post("/api/v1/check?test=nope", json=doc).status_code == 422
    assert "nope" in client.post("/api/v1/check?test=nope", json=doc).json()["detail"]


def test_bad_input_is_422_with_the_clis_message_naming_line_and_field(client, tmp_path):
    text = SCENARIO.read_text(encoding="utf-8").replace("removal_date: 2025-11-10", "removal_date: 2025-02-30")
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    cli_result = cli_run("check", str(tmp_path / "bad.yaml"))
    assert cli_result.exit_code == 2
    cli_line = cli_result.stderr.strip().splitlines()[0]
    response = client.post("/api/v1/check", content=text.encode(), headers={"content-type": "application/yaml"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == cli_line.replace(str(tmp_path / "bad.yaml"), "<body>")
    assert body["errors"][0]["field"] == "facts.abduction.removal_date" and body["errors"][0]["line"] == text.splitlines().index("    removal_date: 2025-02-30") + 1
    assert "2025-02-30" in body["detail"]


@pytest.mark.parametrize("body, fragment", [
    (b"{not json", "JSON"),
    (b"[1, 2]", "mapping"),
    (b'{"id": "x", "facts": {"abduction": {"colour": "red"}}}', "facts.abduction.colour"),
    (b'{"id": "x", "id": "y", "facts": {}}', "id"),
    (b"\xff\xfe", "UTF-8"),
])
def test_malformed_bodies_are_422_never_500(client, body, fragment):
    response = client.post("/api/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_a_body_over_1_mb_is_413(client):
    big = b'{"id": "x", "narrative": "' + b"a" * 1_000_001 + b'", "facts": {}}'
    assert client.post("/api/v1/check", content=big).status_code == 413

    def chunks():  # no Content-Length: the count stops it
        for _ in range(20):
            yield b"a" * 100_000

    response = client.post("/api/v1/check", content=chunks())
    assert response.status_code == 413
    assert "1,000,000" in response.json()["detail"]
    assert client.post("/upload", content=big, headers={"content-type": "multipart/form-data; boundary=x"}).status_code == 413


# --- POST /api/v1/batch: the lines of `creval batch` ---------------------------------------


def test_batch_streams_the_lines_creval_batch_writes(client):
    good = json.dumps({"id": "a", "as_of": "2026-01-01", "facts": {"abduction": {"child_birth_date": "2015-04-02"}}})
    lines = "\n".join([good, "{oops", "", json.dumps({"id": "b", "facts": {"conscription": {"sex": "female"}}})]) + "\n"
    cli_lines = cli_run("batch", "--workers", "1", input=lines).stdout.splitlines()
    with client.stream("POST", "/api/v1/batch", content=lines.encode()) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        api_lines = [line for line in response.iter_lines() if line]
    assert len(api_lines) == len(cli_lines) == 4
    for api, cli_line in zip(api_lines, cli_lines):
        assert api.replace("<body>", "<stdin>") == cli_line
    assert json.loads(api_lines[1])["line"] == 2 and json.loads(api_lines[2])["line"] == 3
    assert json.loads(api_lines[3])["results"][0]["outcome"] == "not-subject"


def test_batch_of_many_lines_keeps_order_and_count(client):
    lines = [json.dumps({"id": f"s{i}", "as_of": "2026-01-01", "facts": {"conscription": {"birth_date": f"{1990 + i % 20}-01-01"}}})
             for i in range(300)]
    response = client.post("/api/v1/batch", content=("\n".join(lines) + "\n").encode())
    out = [json.loads(line) for line in response.text.splitlines()]
    assert [o["scenario"] for o in out] == [f"s{i}" for i in range(300)]


# --- rules, schema, docs -----------------------------------------------------------------


def test_rules_schema_and_openapi(client):
    rules = client.get("/api/v1/rules").json()
    assert rules["rules_digest"] == json.loads(cli_run("check", "--format", "json", str(SCENARIO)).stdout)["rules_digest"]
    ids = [t["id"] for t in rules["tests"]]
    assert "hague-abduction-return" in ids and len(ids) == len(list(RULES.glob("*.yaml")))
    one = client.get("/api/v1/rules/hague-abduction-return").json()
    assert one["id"] == "hague-abduction-return" and "criteria" in one and "return-forthwith" in one["outcomes"]
    tables = client.get("/api/v1/rules/maintenance-recovery").json()["treaty_tables"]
    assert set(tables) == {"new-york-1956", "minsk-1993", "chisinau-2002", "hague-2007"}
    ukraine = tables["minsk-1993"]["states"]["UA"]
    assert ukraine["left"]["date"] == "2023-12-29" and "2783-IX" in ukraine["left"]["source"]
    assert "treaty_tables" in one and set(one["treaty_tables"]) == {"hague-1980"}
    missing = client.get("/api/v1/rules/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
    assert client.get("/api/v1/schema").json() == json.loads(cli_run("schema").stdout)
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/check", "/api/v1/batch", "/api/v1/rules", "/api/v1/rules/{test_id}", "/api/v1/schema"} <= set(paths)
    assert "/case/{test_id}" not in paths
    assert client.get("/docs").status_code == 200


# --- the case page, without a browser -------------------------------------------------------


def test_case_form_is_generated_from_the_rule_files_facts(client):
    page = client.get("/case/parole-three-quarters?lang=kk").text
    for name in ("offence", "offender_was_minor", "sentence_start", "credited_days"):
        assert f'name="f.{name}"' in page
    assert 'name="f.term.years"' in page and "Жаза мерзімі қандай" in page  # the fact's question, in Kazakh
    assert "— белгісіз —" in page  # every select can stay unknown


def test_forms_need_the_csrf_token_and_cookies_are_httponly_samesite(client):
    fresh = TestClient(client.app)
    first = fresh.get("/")
    header = first.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header
    assert first.headers["content-security-policy"].startswith("default-src 'self'")
    assert fresh.post("/case/hague-abduction-return", data={"id": "x"}).status_code == 403
    assert fresh.post("/case/hague-abduction-return", data={"id": "x", "csrf": "0" * 64}).status_code == 403
    token = csrf(fresh.get("/case/hague-abduction-return").text)
    other = TestClient(client.app)  # another browser: its own session, so the token is not its own
    other.get("/")
    assert other.post("/case/hague-abduction-return", data={"id": "x", "csrf": token}).status_code == 403
    assert fresh.post("/case/hague-abduction-return", data={"id": "x", "csrf": token}).status_code == 200


def test_typed_text_is_escaped_and_bad_values_named_at_their_field(client):
    token = csrf(client.get("/case/hague-abduction-return?lang=en").text)
    response = client.post("/case/hague-abduction-return", data={
        "csrf": token, "id": "x1", "title": "<script>alert(1)</script>", "as_of": "2026-01-01",
        "f.habitual_residence": "kz", "f.taken_to": "ZZ"})
    assert response.status_code == 422
    assert "'ZZ'" in html.unescape(response.text) and 'data-fact="taken_to"' in response.text
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;" in response.text
    ok = client.post("/case/hague-abduction-return", data={
        "csrf": token, "id": "x1", "title": "<b>Aigerim</b>", "as_of": "2026-01-01", "f.habitual_residence": "kz", "f.taken_to": "RU"})
    assert ok.status_code == 200 and "/case/r/" in str(ok.url)
    assert "<b>Aigerim</b>" not in ok.text and "&lt;b&gt;Aigerim&lt;/b&gt;" in ok.text
    assert 'data-missing="child_birth_date"' in ok.text  # missing facts asked as questions
    yaml_text = client.get(str(ok.url) + "/scenario.yaml").text
    assert "habitual_residence: \"KZ\"" in yaml_text and "title: \"<b>Aigerim</b>\"" in yaml_text


def test_a_downloaded_scenario_checks_the_same_with_the_cli(client, tmp_path):
    token = csrf(client.get("/case/parole-three-quarters").text)
    page = client.post("/case/parole-three-quarters", data={
        "csrf": token, "id": "p1", "as_of": "2025-05-05", "f.offence": "sexual_offence_against_minor",
        "f.offender_was_minor": "false", "f.offence_date": "2014-06-01", "f.sentence_start": "2025-01-10",
        "f.credited_days": "0", "f.term.years": "0", "f.term.months": "5", "f.term.days": "3"})
    assert 'data-outcome="eligible"' in page.text
    (tmp_path / "p1.yaml").write_bytes(client.get(str(page.url) + "/scenario.yaml").content)
    cli_out = json.loads(cli_run("check", "--format", "json", str(tmp_path / "p1.yaml")).stdout)
    assert cli_out["results"][0]["outcome"] == "eligible"
    memo = client.get(str(page.url) + "/memo.md?lang=ru")
    assert memo.headers["content-disposition"] == 'attachment; filename="p1-memo.md"'
    assert memo.text.startswith("# p1") and "`eligible`" in memo.text and "sha256:" in memo.text
    # the page and the Word document are the CLI's memos too (the one table of formats)
    page_memo = client.get(str(page.url) + "/memo.html?lang=ru")
    assert page_memo.status_code == 200 and page_memo.headers["content-type"].startswith("text/html")
    assert page_memo.text.startswith("<!DOCTYPE html>") and '<html lang="ru">' in page_memo.text and "eligible" in page_memo.text
    word = client.get(str(page.url) + "/memo.docx")
    assert word.status_code == 200 and word.content.startswith(b"PK")  # a zip: the .docx container
    assert word.headers["content-disposition"] == 'attachment; filename="p1-memo.docx"'
    assert client.get(str(page.url) + "/memo.json").status_code == 404  # not a memo


def test_an_upload_is_read_by_the_loader_and_never_opened_by_name(client):
    token = csrf(client.get("/").text)
    ok = client.post("/upload", data={"csrf": token},
                     files={"scenario": ("../../../etc/passwd", SCENARIO.read_bytes(), "application/yaml")})
    assert ok.status_code == 200 and 'data-outcome="return-forthwith"' in ok.text
    bad = client.post("/upload", data={"csrf": token}, files={"scenario": ("/etc/hosts.yaml", b"id: [unclosed", "text/yaml")})
    assert bad.status_code == 422 and "hosts.yaml:1" in bad.text and "/etc/" not in bad.text


# --- the classroom, without a browser ---------------------------------------------------------


def test_classroom_keys_and_privacy(client):
    trainer = TestClient(client.app)
    token = csrf(trainer.get("/class").text)
    opened = trainer.post("/class/open", data={"csrf": token, "pack": "military"})
    assert opened.status_code == 200 and "/trainer" in str(opened.url)
    code = re.search(r'data-code="([A-Z0-9]+)"', opened.text).group(1)
    key = re.search(r'class="trainer-key">([^<]+)<', opened.text).group(1)

    a, b = TestClient(client.app), TestClient(client.app)
    for person, name in ((a, "Aigerim <i>"), (b, "Bolat")):
        page = person.post("/class/join", data={"csrf": csrf(person.get("/class").text), "code": code.lower(), "name": name})
        assert page.status_code == 200 and "/play" in str(page.url)
    play = a.get(f"/class/{code}/play").text
    assert "expected" not in play and key not in play and "Bolat" not in play
    assert "Aigerim &lt;i&gt;" in play
    question = re.search(r'name="question" value="([^"]+)"', play).group(1)
    a.post(f"/class/{code}/answer", data={"csrf": csrf(play), "question": question, "answer": "not-prohibited"})
    assert 'value="not-prohibited" checked' in a.get(f"/class/{code}/play").text
    assert 'value="not-prohibited" checked' not in b.get(f"/class/{code}/play").text
    assert a.get(f"/class/{code}/state.json").json() == {"revealed": []}

    # trainer actions need the key: a trainee's browser, or no key, gets nothing
    assert a.get(f"/class/{code}/trainer/panel").status_code == 401
    assert a.get(f"/class/{code}/trainer/export.csv").status_code == 401
    assert a.post(f"/class/{code}/trainer/reveal", data={"csrf": csrf(play), "question": "*"}).status_code == 401
    assert a.get(f"/class/{code}/trainer").status_code == 401
    wrong = a.post(f"/class/{code}/trainer/login", data={"csrf": csrf(play), "key": "guess"})
    assert wrong.status_code == 401

    panel = trainer.get(f"/class/{code}/trainer/panel").text
    assert "Aigerim &lt;i&gt;" in panel and 'data-count="1"' in panel
    trainer.post(f"/class/{code}/trainer/reveal", data={"csrf": csrf(opened.text), "question": question})
    assert a.get(f"/class/{code}/state.json").json() == {"revealed": [question]}
    csv_text = trainer.get(f"/class/{code}/trainer/export.csv").text
    assert csv_text.splitlines()[0] == "session,trainee,scenario,test,answer,engine_outcome,correct,answered_at"
    assert f"{code},Aigerim <i>," in csv_text and "not-prohibited" in csv_text


def test_the_downloaded_yaml_keeps_awkward_text_as_typed(client):
    from creval.input.loader import parse_yaml

    title = "NO: yes # not a comment\n'quoted' \"twice\" \\ {x} — Қазақша"
    token = csrf(client.get("/case/conscription").text)
    page = client.post("/case/conscription", data={"csrf": token, "id": "c.1_x", "title": title, "as_of": "2026-01-01",
                                                   "f.citizenship": "no"})
    doc = parse_yaml(client.get(str(page.url) + "/scenario.yaml").text)
    assert doc["title"] == title.strip() and doc["facts"]["conscription"] == {"citizenship": "NO"}
    assert str(doc["as_of"]) == "2026-01-01" and doc["id"] == "c.1_x"


def test_an_uploaded_pack_is_refused_whole_when_one_file_is_bad(client):
    trainer = TestClient(client.app)
    token = csrf(trainer.get("/class").text)
    good = [("pack_files", (p.name, p.read_bytes(), "application/yaml")) for p in sorted((REPO / "scenarios" / "parole").glob("*.yaml"))[:2]]
    bad = ("pack_files", ("broken.yaml", b"id: b\nfacts:\n  parole:\n    term: {years: -1}\n", "application/yaml"))
    refused = trainer.post("/class/open", data={"csrf": token}, files=good + [bad])
    assert refused.status_code == 422 and "broken.yaml:4: facts.parole.term.years" in html.unescape(refused.text)
    again = trainer.post("/class/open", data={"csrf": token}, files=good + [good[0]])
    assert again.status_code == 422 and "is used by another file" in again.text
    opened = trainer.post("/class/open", data={"csrf": token}, files=good)
    assert opened.status_code == 200 and opened.text.count('class="card question"') == 2


def test_fields_added_to_results_later_are_shown_as_they_are(client, monkeypatch):
    from creval.render.explain import TestText as TestResult

    plain = TestResult.to_json
    version = {"id": "v2025", "title": "As amended in 2025", "from": "2025-07-01", "until": None, "confidence": "LIKELY", "sources": ["Law X, Art 1"]}
    monkeypatch.setattr(TestResult, "to_json", lambda self: {**plain(self), "law_version": version, "novel_field": [1, 2], "empty": None})
    token = csrf(client.get("/case/conscription?lang=ru").text)
    page = client.post("/case/conscription", data={"csrf": token, "id": "c2", "as_of": "2026-01-01", "f.sex": "female"})
    assert page.status_code == 200
    assert "Применённая редакция закона" in page.text and "с 1 июля 2025\u00a0г. по …" in page.text and "Law X, Art 1" in page.text
    assert "novel_field" in page.text and "[1, 2]" in page.text and "<dt>empty</dt>" not in page.text


# --- the command -----------------------------------------------------------------------------


def test_the_cli_imports_no_web_module_until_serve_runs():
    import subprocess
    import sys

    code = "import sys, creval.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'jinja2', 'starlette') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_serve_refuses_an_address_it_cannot_bind_with_one_line(tmp_path):
    result = cli_run("serve", "--host", "203.0.113.7", "--port", "1", "--db", str(tmp_path / "s.sqlite3"))
    assert result.exit_code == 2
    assert result.stderr.startswith("creval: 203.0.113.7:1: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_state_is_bounded_whatever_clients_send(tmp_path, monkeypatch):
    from creval.web import classroom
    from creval.web.store import Store

    store = Store(tmp_path / "s.sqlite3", max_cases=10)
    tokens = [store.save_case({"id": f"c{i}", "facts": {}}, None) for i in range(2000)]
    assert store.db.execute("SELECT count(*) FROM cases").fetchone()[0] <= 1010
    assert store.case(tokens[0]) is None and store.case(tokens[-1])[0]["id"] == "c1999"

    monkeypatch.setattr(classroom, "MAX_TRAINEES", 2)
    with TestClient(create_app(tmp_path / "t.sqlite3", RULES)) as c:
        opened = c.post("/class/open", data={"csrf": csrf(c.get("/class").text), "pack": "military"})
        code = re.search(r'data-code="([A-Z0-9]+)"', opened.text).group(1)
        for i, status in enumerate([200, 200, 422]):
            person = TestClient(c.app)
            page = person.post("/class/join", data={"csrf": csrf(person.get("/class").text), "code": code, "name": f"p{i}"})
            assert page.status_code == status
        assert "(2" in page.text


def _hidden(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page)}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_interview_page_shows_no_terminal_hint(client, lang):
    # The browser's question once printed the terminal's hint under its radio buttons:
    # «[номер или значение: 1 опека, 2 доступ, 3 нет; пусто, ? или «неизвестно»: ответ неизвестен]».
    page = client.get(f"/ask/hague-abduction-return?lang={lang}").text
    for answer in ["2015", "RU", "KZ", "2026-03"]:
        page = client.post("/ask/hague-abduction-return", data={**_hidden(page), "action": "answer", "answer": answer}).text
    assert 'name="answer" value="custody"' in page  # the left-behind parent's right: choices
    question = page[page.index('<fieldset class="question"'):page.index("</fieldset>")]
    assert "[" not in question and "?" not in question.replace("?</span>", "")
    page = client.post("/ask/hague-abduction-return", data={**_hidden(page), "action": "answer", "answer": "custody"}).text
    assert 'value="true"' in page or 'value="yes"' in page  # rights exercised: yes or no
    question = page[page.index('<fieldset class="question"'):page.index("</fieldset>")]
    assert "[" not in question


def test_the_interview_page_says_what_a_number_may_be_without_the_terminals_wrapper(client):
    page = client.get("/ask/work-with-children-ban?lang=ru").text
    assert 'data-fact="duty_to_educate"' in page
    yes = re.search(r'<input type="radio" name="answer" value="([a-z]+)"', page).group(1)  # the first choice: yes
    page = client.post("/ask/work-with-children-ban", data={**_hidden(page), "action": "answer", "answer": yes}).text
    assert 'data-fact="offence_article"' in page
    page = client.post("/ask/work-with-children-ban", data={**_hidden(page), "action": "answer", "answer": "120"}).text
    days = {"sentence_completed": "2025-01-01", "offence_date": "2016-01-01", "activity_date": "2026-01-01"}
    for _ in range(len(days)):  # the dates that decide whether the ban still runs, in the order asked
        fact = re.search(r'data-fact="([a-z_]+)"', page).group(1)
        if fact not in days:
            break
        page = client.post("/ask/work-with-children-ban", data={**_hidden(page), "action": "answer", "answer": days[fact]}).text
    assert 'data-fact="ban_years"' in page
    hint = html.unescape(re.search(r'<p class="hint" id="answer-hint">([^<]*)</p>', page).group(1))
    assert "от 1 до 20" in hint and "пожизненно" in hint  # the word it also takes is offered
    assert "[" not in hint and "неизвестно" not in hint


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_rough_date_is_said_in_words_on_the_case_page_not_as_json(client, lang):
    # A removal known only as «March 2026» once added a raw block to the result:
    # «ranged [{"fact": "removal_date", "from": "2026-03-01", "to": "2026-03-31"}]».
    token = csrf(client.get(f"/case/hague-abduction-return?lang={lang}").text)
    page = client.post(f"/case/hague-abduction-return?lang={lang}", data={
        "csrf": token, "id": "march", "as_of": "2026-12-01", "f.child_birth_date": "2015", "f.habitual_residence": "RU",
        "f.taken_to": "KZ", "f.removal_date": "2026-03", "f.left_behind_right": "custody", "f.rights_exercised": "true"})
    assert page.status_code == 200 and 'data-outcome="return-forthwith"' in page.text
    text = html.unescape(page.text)
    assert '"from": "2026-03-01"' not in text and '<dl class="extra">' not in text
    assert 'data-event="one-year-after-removal"' in page.text  # the key date, with its rough span in words


def test_the_case_page_lists_the_outcome_on_each_part_of_a_rough_date(client, tmp_path):
    # «Результат зависит от даты, известной лишь приблизительно …: см. варианты» sent the reader
    # to alternatives that only the CLI and the memo listed, never the page.
    doc = ("id: rough-parole\nas_of: 2026-12-01\nfacts:\n  parole:\n    offence: sexual_offence_against_minor\n"
           "    offender_was_minor: false\n    offence_date: {from: 2014-12-01, to: 2015-01-31}\n"
           "    sentence_start: 2015-03-01\n    term: {years: 12}\n")
    (tmp_path / "rough.yaml").write_text(doc, encoding="utf-8")
    cli_text = cli_run("check", "--full", "--lang", "ru", str(tmp_path / "rough.yaml")).stdout
    page = client.post("/upload?lang=ru", data={"csrf": csrf(client.get("/?lang=ru").text)},
                       files={"scenario": ("rough.yaml", doc.encode(), "application/yaml")})
    assert page.status_code == 200 and 'data-outcome="undetermined"' in page.text
    items = re.findall(r'<ul class="alternatives">(.*?)</ul>', page.text, re.S)
    assert items, "no alternatives on the page"
    shown = [html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", items[0], re.S)]
    assert len(shown) == 2 and "1 декабря 2014" in shown[0] and "1 января 2015" in shown[1]
    assert "excluded" in shown[1] or "исключено" in shown[1]  # an offence from 2015: the 2014 Code's exclusion
    assert "Варианты" in page.text and "ВАРИАНТЫ" in cli_text  # the CLI lists them too


@pytest.mark.parametrize("lang, title", [("en", "Parole"), ("ru", "Условно-досрочное освобождение"),
                                         ("kk", "Шартты түрде мерзімінен бұрын босату")])
def test_the_trainer_chooses_a_bundled_pack_by_its_title(client, lang, title):
    """The pack list names each folder of scenarios/ in the page's language (it showed «parole»)."""
    page = client.get(f"/class?lang={lang}").text
    assert f'<option value="parole">{title} (' in page


def test_the_api_page_lists_every_endpoint_of_the_api(client):
    """/api, the API's index for people, names each /api/v1 endpoint with its method (it once
    listed none: FastAPI 0.165 keeps included routers in objects of its own)."""
    page = client.get("/api")
    assert page.status_code == 200
    paths = [p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/api/v1")]
    assert len(paths) >= 4
    for path in paths:
        assert path.replace("{", "").replace("}", "") in page.text.replace("{", "").replace("}", "")
    assert "POST" in page.text and "GET" in page.text


@pytest.mark.parametrize("lang, law, listed", [("en", "Kazakhstan", "Minsk 1993"), ("ru", "Казахстан", "Минская конвенция")])
def test_the_case_page_shows_details_in_words_as_the_memo_does(client, lang, law, listed):
    """The case page's details read as the memo's (render/parts.details): a state by name and a
    list joined, in the page's language; it showed `KZ` and `['Minsk 1993']`."""
    path = REPO / "scenarios" / "maintenance" / "kazakhstan-russia-minsk.yaml"
    token = csrf(client.get(f"/?lang={lang}").text)
    page = client.post(f"/upload?lang={lang}", data={"csrf": token},
                       files={"scenario": (path.name, path.read_bytes(), "application/x-yaml")})
    assert page.status_code == 200 and "/case/r/" in str(page.url)
    text = html.unescape(page.text)
    details = text[text.index("<h3>", text.index('class="criteria"')):]
    assert f": {law}</li>" in details and listed in details
    assert "['" not in details and ": KZ</li>" not in details
