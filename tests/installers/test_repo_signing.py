"""The signed apt repository: publish_repo signs Release/InRelease with a key from the
environment, installers/verify checks the signature, the key policy and every checksum, and
names what was altered. Uses a tiny package; the real bundle is in test_deb_install.py."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from tests.installers.conftest import (
    INSTALLERS,
    Key,
    make_key,
    need_tools,
    publish,
    run,
    small_deb,
    verify,
)


def test_a_published_repository_verifies_and_holds_the_package(tmp_path: Path, signing_key: Key) -> None:
    deb = small_deb(tmp_path)
    repo = publish(tmp_path / "repo", signing_key, deb)
    suite = repo / "dists" / "stable"
    for name in ("Release", "InRelease", "Release.gpg", "main/binary-all/Packages", "main/binary-all/Packages.gz"):
        assert (suite / name).is_file(), name
    assert (repo / "pool/main/c/crucible" / deb.name).read_bytes() == deb.read_bytes()
    assert "-----BEGIN PGP SIGNED MESSAGE-----" in (suite / "InRelease").read_text()
    done = verify(repo)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[-1].startswith(f"OK: {repo}: signature, Release and 1 package(s) verified")
    one = verify(repo / "pool/main/c/crucible" / deb.name)
    assert one.returncode == 0 and "listed with this SHA256" in one.stdout


def test_the_signature_is_sha512_by_the_published_key(tmp_path: Path, signing_key: Key) -> None:
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    packets = run("gpg", "--batch", "--list-packets", repo / "dists/stable/Release.gpg",
                  env={"GNUPGHOME": str(signing_key.home), "PATH": "/usr/bin:/bin"}).stdout
    assert "digest algo 10" in packets  # SHA-512
    assert signing_key.fingerprint[-16:] in packets


def test_a_tampered_package_is_named(tmp_path: Path, signing_key: Key) -> None:
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    deb = repo / "pool/main/c/crucible/crucible_0.0.1_all.deb"
    data = bytearray(deb.read_bytes())
    data[-20] ^= 0xFF  # same size, one byte altered
    deb.write_bytes(bytes(data))
    done = verify(repo)
    assert done.returncode == 1
    assert f"FAILED: {deb} (crucible 0.0.1): SHA256 differs from {repo}/dists/stable/main/binary-all/Packages" in done.stdout
    outside = tmp_path / "copy.deb"
    shutil.copy(deb, outside)
    alone = verify("--repo", repo, outside)
    assert alone.returncode == 1 and f"{outside}: its SHA256 is not in the signed Packages of {repo}" in alone.stdout


def test_a_tampered_release_or_packages_is_named(tmp_path: Path, signing_key: Key) -> None:
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    suite = repo / "dists/stable"
    release = suite / "Release"
    release.write_text(release.read_text().replace("Label: Crucible", "Label: Crucib1e"))
    done = verify(repo)
    assert done.returncode == 1
    assert f"FAILED: {release}: Release.gpg does not verify against" in done.stdout
    assert "BAD signature" in done.stdout
    assert f"FAILED: {release}: differs from the text signed in InRelease" in done.stdout

    repo2 = publish(tmp_path / "repo2", signing_key, small_deb(tmp_path / "b"))
    packages = repo2 / "dists/stable/main/binary-all/Packages"
    packages.write_text(packages.read_text().replace("Description: small", "Description: smell"))  # same size: only the checksum tells
    done = verify(repo2)
    assert done.returncode == 1
    assert f"FAILED: {packages}: SHA256" in done.stdout and "differs from Release" in done.stdout

    inrelease = repo2 / "dists/stable/InRelease"
    inrelease.write_text(inrelease.read_text().replace("Origin: Crucible", "Origin: Crucib1e"))
    done = verify(repo2)
    assert f"FAILED: {inrelease}: the signature does not verify" in done.stdout


def test_another_key_is_not_trusted(tmp_path: Path, signing_key: Key) -> None:
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    stranger = make_key(tmp_path / "stranger", "Someone else <x@example.invalid>")
    keyring = tmp_path / "stranger.gpg"
    run("gpg", "--batch", "--output", keyring, "--export", stranger.fingerprint,
        env={"GNUPGHOME": str(stranger.home), "PATH": "/usr/bin:/bin"})
    done = verify("--keyring", keyring, repo)
    assert done.returncode == 1
    assert f"{repo}/dists/stable/InRelease: the signature does not verify against {keyring}" in done.stdout


def test_a_key_with_a_sha1_binding_signature_is_refused(tmp_path: Path) -> None:
    """Checked twice: our own policy (gpg --list-packets: digest algo 2 in the user ID's
    binding signature) and apt's newer verifier sqv, which refuses the key's signatures."""
    need_tools("sqv")
    weak = make_key(tmp_path / "weak", "Weak <weak@example.invalid>", cert_digest="SHA1")
    env = {"GNUPGHOME": str(weak.home), "PATH": "/usr/bin:/bin"}
    keyring = tmp_path / "weak.gpg"
    run("gpg", "--batch", "--output", keyring, "--export", weak.fingerprint, env=env)
    assert "digest algo 2," in run("gpg", "--batch", "--list-packets", keyring, env=env).stdout

    check = verify("--check-key", keyring)
    assert check.returncode == 1
    assert "binding signature of the user ID Weak <weak@example.invalid> uses SHA-1" in check.stdout

    refused = run(INSTALLERS / "publish_repo", tmp_path / "repo", small_deb(tmp_path), env=weak.env(), check=False)
    assert refused.returncode == 2 and f"signing key {weak.fingerprint} refused" in refused.stderr
    assert not (tmp_path / "repo" / "dists").exists(), "nothing is published with a refused key"

    # A repository signed with it anyway (by hand): verify reports the key and sqv's refusal.
    good = make_key(tmp_path / "good", "Good <good@example.invalid>")
    repo = publish(tmp_path / "repo2", good, small_deb(tmp_path / "b"))
    suite = repo / "dists/stable"
    for out, mode in (("InRelease", "--clearsign"), ("Release.gpg", "--detach-sign")):
        run("gpg", "--batch", "--yes", "--digest-algo", "SHA512", mode, "-o", suite / out, suite / "Release", env=env)
    shutil.copy(keyring, repo / "crucible-archive-keyring.gpg")
    done = verify(repo)
    assert done.returncode == 1
    assert "uses SHA-1 (apt's sqv refuses it)" in done.stdout
    assert f"FAILED: {suite}/Release: apt's sqv refuses the signature" in done.stdout


def test_publishing_without_a_key_says_how_to_give_one(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = run(INSTALLERS / "publish_repo", tmp_path / "repo", small_deb(tmp_path), env=env, check=False)
    assert done.returncode == 2
    assert "no signing key: set CRUCIBLE_SIGNING_KEY_FILE" in done.stderr


def test_packages_gz_matches_packages(tmp_path: Path, signing_key: Key) -> None:
    repo = publish(tmp_path / "repo", signing_key, small_deb(tmp_path))
    folder = repo / "dists/stable/main/binary-all"
    assert gzip.decompress((folder / "Packages.gz").read_bytes()) == (folder / "Packages").read_bytes()
