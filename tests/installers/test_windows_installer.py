"""The Windows installer recipe, as far as it can be checked on Linux: makensis compiles
installers/windows/crucible.nsi around a stub bundle, signing the uninstaller and the installer
through installers/windows/sign_exe (osslsigncode, throw-away certificate); osslsigncode
verifies the signature and rejects an altered installer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.installers.conftest import INSTALLERS, need_tools, run

NSI = INSTALLERS / "windows" / "crucible.nsi"
SIGN = INSTALLERS / "windows" / "sign_exe"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    need_tools("openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    run("openssl", "req", "-x509", "-newkey", "rsa:3072", "-sha256", "-days", "2", "-nodes",
        "-subj", "/CN=Crucible test code signing", "-addext", "extendedKeyUsage=codeSigning",
        "-addext", "keyUsage=digitalSignature", "-keyout", key, "-out", cert)
    return key, cert


def stub_bundle(folder: Path) -> Path:
    bundle = folder / "bundle"
    (bundle / "_internal" / "plant_layouts").mkdir(parents=True)
    (bundle / "crucible.exe").write_bytes(b"MZ stub payload")
    (bundle / "_internal" / "plant_layouts" / "plant.yaml").write_text("id: stub\n")
    return bundle


def test_makensis_compiles_and_signs_the_installer(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    need_tools("makensis", "osslsigncode")
    key, cert = certificate
    out = tmp_path / "crucible-1.2.0-setup.exe"
    env = dict(os.environ, CRUCIBLE_AUTHENTICODE_KEY=str(key), CRUCIBLE_AUTHENTICODE_CERT=str(cert))
    done = run("makensis", "-V2", "-DVERSION=1.2.0", f"-DBUNDLE={stub_bundle(tmp_path)}", f"-DOUTFILE={out}",
               f"-DSIGN=sh {SIGN}", NSI, env=env)
    assert done.stdout.count("signed ") == 2, "the uninstaller inside and the installer itself"
    assert out.read_bytes()[:2] == b"MZ"
    ok = run("osslsigncode", "verify", "-CAfile", cert, "-in", out, check=False)
    assert ok.returncode == 0 and "Signature verification: ok" in ok.stdout, ok.stdout + ok.stderr
    assert "Crucible test code signing" in ok.stdout

    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of the payload
    altered = tmp_path / "altered.exe"
    altered.write_bytes(bytes(data))
    bad = run("osslsigncode", "verify", "-CAfile", cert, "-in", altered, check=False)
    assert bad.returncode != 0
    assert "MISMATCH" in bad.stdout + bad.stderr


def test_makensis_without_signing_makes_an_unsigned_installer(tmp_path: Path) -> None:
    need_tools("makensis", "osslsigncode")
    out = tmp_path / "crucible-setup.exe"
    run("makensis", "-V2", f"-DBUNDLE={stub_bundle(tmp_path)}", f"-DOUTFILE={out}", NSI)
    unsigned = run("osslsigncode", "verify", "-in", out, check=False)
    assert unsigned.returncode != 0 and "No signature found" in unsigned.stdout + unsigned.stderr


def test_sign_exe_without_a_key_names_the_missing_variable(tmp_path: Path) -> None:
    target = tmp_path / "x.exe"
    target.write_bytes(b"MZ")
    done = run("sh", SIGN, target, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode != 0 and "CRUCIBLE_AUTHENTICODE_CERT" in done.stderr
