"""A plain `pip install .` serves all three languages: the build compiles the catalogues into the wheel."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_compiled_catalogues(tmp_path):
    source = tmp_path / "source"
    # The tracked files only: no catalogue compiled by `make` may stand in for the build's own.
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:
        if name.startswith(("remit/", "setup.py", "pyproject.toml", "README.md", "LICENSE")):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("remit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for language, expected in (("es", "Comparar"), ("fr", "Comparer")):
            path = f"remit/translations/{language}/LC_MESSAGES/messages.mo"
            assert path in names
            catalogue = Translations(io.BytesIO(archive.read(path)))
            assert catalogue.gettext("Compare") == expected
        # The notes before pooling and the guide's templates travel with the code.
        for language in ("en", "es", "fr"):
            assert f"remit/content/pooling.{language}.toml" in names
        assert "remit/web/guide/templates/guide/_guide.html" in names
