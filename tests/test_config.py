import os
import stat
from concurrent.futures import ThreadPoolExecutor

from remit.config import _secret_key


def test_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: _secret_key(str(tmp_path)), range(16)))
    assert len(keys) == 1
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == keys.pop()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert _secret_key(str(tmp_path)) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_trusted_proxies_are_a_small_whole_number_or_refused():
    import pytest

    from remit.config import trusted_proxies

    assert trusted_proxies(None) == 0 and trusted_proxies(" ") == 0 and trusted_proxies("1") == 1
    for bad in ("-1", "6", "one", "1.5", "٣"):
        with pytest.raises(ValueError, match="REMIT_TRUSTED_PROXIES must be a whole number from 0 to 5"):
            trusted_proxies(bad)
