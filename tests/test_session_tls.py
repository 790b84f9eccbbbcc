"""TLS: CA bundles (option and environment), unknown CAs, disabled validation, client
certificates; all against the emulator serving HTTPS on 127.0.0.1."""

from __future__ import annotations

import pytest
from connection_helpers import emulator_settings
from cryptography.hazmat.primitives import serialization
from tls_helpers import make_ca_and_cert

from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError, ConfluenceTlsError
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.session import build_session


@pytest.fixture
def tls_server(confluence_emulator_factory, tmp_path):
    ca, cert, key = make_ca_and_cert(tmp_path)
    server = confluence_emulator_factory(mode="dc", tls=(str(cert), str(key)))
    return server, ca, cert, key


@pytest.fixture(autouse=True)
def _no_ca_env(monkeypatch):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_unknown_ca_names_confluence_ca_cert(tls_server) -> None:
    server, *_ = tls_server
    with pytest.raises(ConfluenceTlsError) as info:
        make_client(emulator_settings(server)).get_space("DOCS")
    assert "confluence_ca_cert" in info.value.options
    assert "unknown certificate authority" in info.value.message


def test_ca_cert_file(tls_server) -> None:
    server, ca, *_ = tls_server
    client = make_client(emulator_settings(server, ca_cert=str(ca)))
    assert client.get_space("DOCS").key == "DOCS"


def test_ca_cert_directory(tls_server, tmp_path) -> None:
    server, ca, *_ = tls_server
    folder = tmp_path / "cas"
    folder.mkdir()
    (folder / "corp.pem").write_bytes(ca.read_bytes())
    client = make_client(emulator_settings(server, ca_cert=str(folder)))
    assert client.get_space("DOCS").key == "DOCS"


def test_requests_ca_bundle_env_is_honoured(tls_server, monkeypatch) -> None:
    server, ca, *_ = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    assert make_client(emulator_settings(server)).get_space("DOCS").key == "DOCS"


def test_disable_ssl_validation(tls_server) -> None:
    server, *_ = tls_server
    client = make_client(emulator_settings(server, disable_ssl_validation=True))
    assert client.get_space("DOCS").key == "DOCS"


def test_bad_ca_file_is_config_error(tls_server, tmp_path) -> None:
    server, *_ = tls_server
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfluenceConfigError) as info:
        make_client(emulator_settings(server, ca_cert=str(junk)))
    assert info.value.option == "confluence_ca_cert"
    assert server.requests == []


def _encrypted_key(key_path, tmp_path, password: bytes):
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    out = tmp_path / "client-key-enc.pem"
    out.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(password)))
    return out


def test_client_certificate_with_passphrase(tls_server, tmp_path) -> None:
    server, ca, cert, key = tls_server
    enc = _encrypted_key(key, tmp_path, b"cert-pass-42")
    settings = emulator_settings(server, ca_cert=str(ca), client_cert=(str(cert), str(enc)),
                                 client_cert_pass="cert-pass-42")
    session = build_session(settings)
    context = session.get_adapter("https://x/").ssl_context
    assert context.verify_mode.name == "CERT_REQUIRED"
    assert make_client(settings, session).get_space("DOCS").key == "DOCS"


@pytest.mark.parametrize("password", [None, "wrong-pass"])
def test_client_key_wrong_or_missing_passphrase_is_config_error(tls_server, tmp_path,
                                                                password) -> None:
    server, ca, cert, key = tls_server
    enc = _encrypted_key(key, tmp_path, b"cert-pass-42")
    with pytest.raises(ConfluenceConfigError) as info:
        make_client(emulator_settings(server, ca_cert=str(ca), client_cert=(str(cert), str(enc)),
                                      client_cert_pass=password))
    assert info.value.option in ("confluence_client_cert_pass", "confluence_client_cert")
    assert "wrong-pass" not in str(info.value)
    assert server.requests == []


def test_client_cert_not_a_certificate(tls_server, tmp_path) -> None:
    server, ca, cert, key = tls_server
    junk = tmp_path / "c.pem"
    junk.write_text("junk")
    with pytest.raises(ConfluenceConfigError) as info:
        make_client(emulator_settings(server, client_cert=str(junk)))
    assert info.value.option == "confluence_client_cert"
    assert server.requests == []
