"""A partner's client generated from the document (openapi-python-client) runs the README's example
against the test server: quotes, a 304 with the ETag, and a 422 that names the parameter.

The client is generated from the installed package into a temporary folder, with no formatter run
after it (post_hooks: []): nothing is downloaded. Requests go to the app through httpx's WSGI
transport, the one line of the example the test changes.
"""
from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import httpx

from ..conftest import ROOT

GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
MYPY = str(Path(sys.executable).parent / "mypy")
SERVER_LINE = 'client = Client(base_url="http://127.0.0.1:5000")'


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- example: python client[^>]*-->\n```python\n(.*?)```", readme, re.S)
    assert block, "the README's Python example is missing"
    assert SERVER_LINE in block.group(1)
    return block.group(1)


def generate(client, folder: Path) -> tuple[Path, str]:
    (folder / "openapi.json").write_bytes(client.get("/api/v1/openapi.json").get_data())
    (folder / "config.yaml").write_text("post_hooks: []\n")
    done = subprocess.run(
        [GENERATOR, "generate", "--path", str(folder / "openapi.json"), "--config", str(folder / "config.yaml"),
         "--meta", "none", "--output-path", str(folder / "remit_client")],
        capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder, done.stdout + done.stderr


def test_the_readme_example_runs_through_a_generated_client(seeded, client, tmp_path):
    folder, output = generate(client, tmp_path)
    # Built without a warning: no schema it could not read, no duplicate class, nothing skipped.
    assert output.strip().splitlines() == [f"Generating {folder / 'remit_client'}"], output
    models = sorted(p.stem for p in (folder / "remit_client" / "models").glob("*.py"))
    assert [m for m in models if re.search(r"\d$|_type_\d|_item$", m)] == []  # no duplicated enum classes
    code = readme_example().replace(SERVER_LINE, 'client = Client(base_url="http://localhost", '
                                                 'httpx_args={"transport": httpx.WSGITransport(app=app)})')
    printed = io.StringIO()
    sys.path.insert(0, str(folder))
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {"httpx": httpx, "app": seeded})  # noqa: S102
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "remit_client" or n.startswith("remit_client.")]:
            del sys.modules[name]
    lines = printed.getvalue().splitlines()
    # CAD 300 to Guatemala: the three cheapest of the seeded fee tables, each with its warnings.
    assert len(lines) == 5, lines
    assert all(re.fullmatch(r"[123] .+ \d+\.\d\d CAD warnings: \[.*\]", line) for line in lines[:3]), lines
    assert lines[3] == "304"
    assert lines[4] == ("422 The request has invalid fields: amount. "
                        "{'query': {'amount': ['has more decimals than CAD allows (2)']}}")


def test_the_readme_example_type_checks_against_the_generated_client(client, tmp_path):
    # Operations that take a key but need none are typed for a plain Client (no operation-level
    # `security`: the document's own, optional, applies); a 200's list and an error's fields narrowed
    # as the example does. mypy --strict, on the example as the README prints it.
    folder, _ = generate(client, tmp_path)
    (folder / "example.py").write_text(readme_example())
    done = subprocess.run([MYPY, "--strict", "--no-color-output", "--cache-dir", str(folder / ".mypy_cache"),
                           "example.py"], capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found"), done.stdout
