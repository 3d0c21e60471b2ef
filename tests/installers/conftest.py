"""Fixtures of the installer tests: throw-away signing keys, small packages, signed repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"


def run(*cmd: str | Path, env: dict[str, str] | None = None, check: bool = True, timeout: float = 600,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command; on an unexpected exit code the assertion shows its output."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd)
    if check:
        assert done.returncode == 0, f"{' '.join(map(str, cmd))} -> {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def need_tools(*tools: str) -> None:
    """The packaging tools are test dependencies (installers/system_deps.sh test): missing is a failure."""
    missing = [t for t in tools if shutil.which(t) is None]
    assert not missing, f"missing {missing}: run installers/system_deps.sh test (as root it installs them)"


@dataclass
class Key:
    home: Path
    fingerprint: str
    secret_file: Path

    def env(self) -> dict[str, str]:
        return dict(os.environ, CRUCIBLE_SIGNING_KEY_FILE=str(self.secret_file))


def make_key(folder: Path, uid: str, algo: str = "ed25519", cert_digest: str | None = None) -> Key:
    """A throw-away key made with ``gpg --batch --quick-gen-key`` (no passphrase)."""
    need_tools("gpg")
    home = folder / "gnupg"
    home.mkdir(parents=True)
    home.chmod(0o700)
    env = dict(os.environ, GNUPGHOME=str(home))
    extra = ["--cert-digest-algo", cert_digest] if cert_digest else []
    run("gpg", "--batch", "--passphrase", "", *extra, "--quick-gen-key", uid, algo, "sign", "never", env=env)
    colons = run("gpg", "--batch", "--with-colons", "--list-secret-keys", env=env).stdout
    fingerprint = next(line.split(":")[9] for line in colons.splitlines() if line.startswith("fpr:"))
    secret = folder / "signing-key.asc"
    secret.write_text(run("gpg", "--batch", "--armor", "--export-secret-keys", fingerprint, env=env).stdout)
    return Key(home, fingerprint, secret)


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    return make_key(tmp_path_factory.mktemp("key"), "Crucible test archive <archive@example.invalid>")


def small_deb(folder: Path, version: str = "0.0.1") -> Path:
    """A tiny ``crucible`` package (one file), for the checks that need no real bundle."""
    need_tools("dpkg-deb")
    stage = folder / f"stage-{version}"
    (stage / "DEBIAN").mkdir(parents=True)
    (stage / "opt" / "crucible-small").mkdir(parents=True)
    (stage / "opt" / "crucible-small" / "README").write_text("small test package\n")
    (stage / "DEBIAN" / "control").write_text(
        f"Package: crucible\nVersion: {version}\nArchitecture: all\nMaintainer: Test <t@example.invalid>\n"
        "Description: small test package\n")
    deb = folder / f"crucible_{version}_all.deb"
    run("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, deb)
    return deb


def publish(repo: Path, key: Key, *debs: Path) -> Path:
    need_tools("apt-ftparchive", "gpg")
    run(INSTALLERS / "publish_repo", repo, *debs, env=key.env())
    return repo


def verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run(INSTALLERS / "verify", *args, check=False)


@dataclass
class Apt:
    """apt-get pointed at one repository through its own sources list and state folders: the
    system's real sources, lists and caches are not touched."""

    folder: Path
    repo: Path
    keyring: Path

    def __post_init__(self) -> None:
        for sub in ("lists/partial", "archives/partial"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.sources = self.folder / "crucible.sources"
        self.sources.write_text(f"Types: deb\nURIs: file:{self.repo}\nSuites: stable\nComponents: main\n"
                                f"Signed-By: {self.keyring}\n")

    def options(self) -> list[str]:
        f = self.folder
        return ["-o", f"Dir::Etc::sourcelist={self.sources}", "-o", "Dir::Etc::sourceparts=-",
                "-o", f"Dir::State::Lists={f / 'lists'}", "-o", f"Dir::Cache::archives={f / 'archives'}",
                "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
                "-o", "APT::Get::List-Cleanup=0",
                # pytest's temp folders are private to root: _apt could not read them
                "-o", "APT::Sandbox::User=root"]

    def __call__(self, *args: str, check: bool = False, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C")
        return run("apt-get", *self.options(), *args, env=env, check=check, timeout=timeout)
