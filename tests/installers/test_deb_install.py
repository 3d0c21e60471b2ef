"""The whole path IT takes (CI runs it as root): build the bundle and the .deb, publish a signed
apt repository, install from it with apt through ``Signed-By``, run ``crucible --version`` and
``crucible selftest`` from /usr/bin, remove and purge; apt refuses an altered package or
InRelease. apt runs with its own sources list, lists and archives folders: the system's real
sources are not touched.

The bundle takes minutes to build: once per session. ``CRUCIBLE_TEST_BUNDLE=dist/crucible``
reuses one built by ``installers/build_bundle`` (the report says which was used)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.installers.conftest import (
    INSTALLERS,
    ROOT,
    Apt,
    Key,
    need_tools,
    publish,
    run,
    small_deb,
    verify,
)

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="installs a .deb with apt: needs root (CI runs as root)"),
    pytest.mark.slow,
    pytest.mark.timeout(2400),  # the first test builds the bundle (5-6 min on 2 cores), then apt installs it
]
IT_PATH = "/usr/bin:/bin"  # no Python of ours on it: the bundle brings its own


@dataclass
class Built:
    bundle: Path
    deb: Path
    bundle_s: float | None  # None: reused CRUCIBLE_TEST_BUNDLE
    deb_s: float


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    need_tools("dpkg-deb", "apt-ftparchive", "gpg", "gpgv")
    reuse = os.environ.get("CRUCIBLE_TEST_BUNDLE")
    t0 = time.monotonic()
    if reuse:
        bundle = Path(reuse).resolve()
        assert (bundle / "crucible").is_file(), f"CRUCIBLE_TEST_BUNDLE={reuse}: no crucible executable in it"
        bundle_s = None
    else:
        run(INSTALLERS / "build_bundle", timeout=3600)
        bundle, bundle_s = ROOT / "dist" / "crucible", time.monotonic() - t0
    out = tmp_path_factory.mktemp("deb")
    t1 = time.monotonic()
    run(INSTALLERS / "build_deb", "--bundle", bundle, "--out", out, timeout=1200)
    deb = next(out.glob("crucible_*.deb"))
    return Built(bundle, deb, bundle_s, time.monotonic() - t1)


def it_env(home: Path) -> dict[str, str]:
    return {"PATH": IT_PATH, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}


def test_the_bundle_runs_without_any_python_on_path(built: Built, tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)}
    done = run(built.bundle / "crucible", "--version", env=env)
    assert done.stdout.strip() == f"crucible {run(INSTALLERS / 'version').stdout.strip()}"  # the .deb's version
    # The simulator child is the bundle itself (sys.frozen), not "python -m app.cli".
    sim = run(built.bundle / "crucible", "sim", "--help", env=env)
    assert "--time-scale" in sim.stdout


def test_deb_contents_and_metadata(built: Built) -> None:
    fields = run("dpkg-deb", "--field", built.deb).stdout
    assert "Package: crucible" in fields
    deps = run(INSTALLERS / "system_deps.sh", "list").stdout.strip()
    assert f"Depends: {deps}" in fields and "libxcb-cursor0" in deps
    listing = run("dpkg-deb", "--contents", built.deb).stdout
    for path in ("./opt/crucible/crucible", "./usr/bin/crucible -> /opt/crucible/crucible",
                 "./usr/share/applications/crucible.desktop", "./usr/share/icons/hicolor/scalable/apps/crucible.svg",
                 "./lib/systemd/system/crucible-serve.service", "./usr/share/doc/crucible/changelog.gz",
                 "plant_layouts/copper_smelter/plant.yaml", "resources/translations/crucible_zh_CN.qm",
                 "app/db/migrations/script.py.mako", "app/historian/migrations/0001_initial.py"):
        assert path in listing, path
    assert "root/root" in listing.splitlines()[0]
    assert "QtWebEngine" not in listing, "unused Qt modules stay out of the bundle"


@pytest.fixture
def installed_cleanup() -> Iterator[None]:
    yield
    subprocess.run(["dpkg", "--purge", "crucible"], capture_output=True, timeout=300)


def test_install_from_the_signed_repository_selftest_remove_purge(
        built: Built, signing_key: Key, tmp_path: Path, installed_cleanup: None,
        record_property: pytest.RecordProperty) -> None:
    repo = publish(tmp_path / "repo", signing_key, built.deb)
    assert verify(repo).returncode == 0
    keyring = tmp_path / "crucible-archive-keyring.gpg"  # what IT puts in /usr/share/keyrings
    keyring.write_bytes((repo / "crucible-archive-keyring.gpg").read_bytes())
    apt = Apt(tmp_path / "apt", repo, keyring)

    update = apt("update")
    assert update.returncode == 0 and "W:" not in update.stdout + update.stderr, update.stdout + update.stderr
    t0 = time.monotonic()
    install = apt("install", "-y", "--no-install-recommends", "crucible", timeout=1200)
    install_s = time.monotonic() - t0
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert "WARNING: The following packages cannot be authenticated" not in install.stdout + install.stderr

    home = tmp_path / "home"
    home.mkdir()
    version = run("/usr/bin/crucible", "--version", env=it_env(home))
    package = run("dpkg-query", "--showformat=${Version}", "--show", "crucible").stdout.strip()
    assert version.stdout.strip() == f"crucible {package}"  # what IT sees is what apt installed
    t1 = time.monotonic()
    selftest = run("/usr/bin/crucible", "selftest", env=it_env(home), check=False, timeout=300)
    selftest_s = time.monotonic() - t1
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr[-3000:]
    assert "(/opt/crucible/crucible sim)" in selftest.stdout, "the simulator is the installed bundle"
    assert selftest.stdout.splitlines()[-1] == "self test OK"
    assert not Path("/etc/systemd/system/multi-user.target.wants/crucible-serve.service").exists(), "disabled by default"

    user_data = home / ".local/share/crucible"
    user_data.mkdir(parents=True, exist_ok=True)
    (user_data / "settings-kept.txt").write_text("mine\n")
    remove = apt("remove", "-y", "crucible")
    assert remove.returncode == 0, remove.stderr
    assert not Path("/usr/bin/crucible").exists() and not Path("/opt/crucible/crucible").exists()
    assert (user_data / "settings-kept.txt").read_text() == "mine\n", "remove keeps user data"
    run("dpkg", "--purge", "crucible")
    status = run("dpkg-query", "-W", "-f=${Status}", "crucible", check=False)
    assert "installed" not in status.stdout.replace("not-installed", "")
    assert not Path("/opt/crucible").exists() and not Path("/lib/systemd/system/crucible-serve.service").exists()
    assert (user_data / "settings-kept.txt").exists(), "purge never touches home folders"

    figures = {
        "bundle_MB": round(sum(p.lstat().st_size for p in built.bundle.rglob("*") if not p.is_symlink()) / 1e6, 1),
        "deb_MB": round(built.deb.stat().st_size / 1e6, 1),
        "bundle_build_s": None if built.bundle_s is None else round(built.bundle_s),
        "deb_build_s": round(built.deb_s, 1), "install_s": round(install_s, 1), "selftest_s": round(selftest_s, 1),
    }
    for name, value in figures.items():
        record_property(name, value)
    print("installer figures:", figures)


def test_apt_refuses_an_altered_package(signing_key: Key, tmp_path: Path) -> None:
    need_tools("apt-get")
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    deb = repo / "pool/main/c/crucible/crucible_0.0.1_all.deb"
    data = bytearray(deb.read_bytes())
    data[-20] ^= 0xFF
    deb.write_bytes(bytes(data))
    apt = Apt(tmp_path / "apt", repo, repo / "crucible-archive-keyring.gpg")
    assert apt("update").returncode == 0
    done = apt("install", "-y", "--download-only", "crucible")
    assert done.returncode != 0
    assert "Hash Sum mismatch" in done.stdout + done.stderr
    assert "SHA256 differs" in verify(repo).stdout


def test_apt_refuses_an_altered_inrelease(signing_key: Key, tmp_path: Path) -> None:
    need_tools("apt-get")
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    inrelease = repo / "dists/stable/InRelease"
    inrelease.write_text(inrelease.read_text().replace("Origin: Crucible", "Origin: Crucib1e"))
    apt = Apt(tmp_path / "apt", repo, repo / "crucible-archive-keyring.gpg")
    done = apt("update")
    out = done.stdout + done.stderr
    assert "The following signatures were invalid" in out or "BADSIG" in out, out
    assert "is not signed" in out or done.returncode != 0, out
    assert apt("install", "-y", "--download-only", "crucible").returncode != 0, "nothing installs from it"
    assert "the signature does not verify" in verify(repo).stdout
