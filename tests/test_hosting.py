"""Hosting: the Read the Docs configuration is valid and builds what ``tox -e docs`` builds; URLs per language.

The schema is Read the Docs' own, vendored as ``tests/data/readthedocs-config-v2.schema.json``
from https://github.com/readthedocs/readthedocs.org/blob/7937196123747181054d4c2361ec81f93c37f8f2/readthedocs/rtd_tests/fixtures/spec/v2/schema.json
(the file Read the Docs validates ``.readthedocs.yaml`` with; unchanged since commit 24cfd840).
"""

from __future__ import annotations

import configparser
import json
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from trtdeconv_docs.sphinx_ext import hosting

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "data" / "readthedocs-config-v2.schema.json"


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))


def test_the_read_the_docs_config_follows_the_published_schema(config):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(config, schema, cls=jsonschema.Draft202012Validator)


def test_the_schema_catches_a_broken_config(config):
    """The vendored schema is strict enough to matter: an unknown key and a wrong version fail."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for broken in ({**config, "version": 3}, {**config, "bulid": {}}, {**config, "build": {"commands": ["x"]}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_read_the_docs_builds_with_the_docs_environment_and_publishes_its_output(config):
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    commands = [shlex.split(line) for line in config["build"]["commands"]]
    assert ["python", "-m", "tox", "-e", "docs"] in commands
    assert tox["testenv:docs"]["commands"].split()[:3] == ["python", "-m", "trtdeconv_docs.site"]
    assert "{toxinidir}/build/html" in tox["testenv:docs"]["commands"]
    assert ["cp", "-r", "build/html", "$READTHEDOCS_OUTPUT/html"] in commands
    assert "READTHEDOCS*" in tox["testenv:docs"]["passenv"]


def test_the_published_root_comes_from_read_the_docs_when_it_says():
    assert hosting.site_url({"READTHEDOCS_CANONICAL_URL": "https://example.org/zh-cn/latest"}) == \
        "https://example.org/zh-cn/latest/"
    assert hosting.site_url({}) == hosting.DEFAULT_SITE_URL
    assert hosting.language_root("https://example.org/", "en") == "https://example.org/en/"
