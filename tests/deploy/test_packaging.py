"""The Dockerfile, the conda environment and the Helm chart, checked as CI can: hadolint,
yamllint, and JSON Schema validation against Zero to JupyterHub 4.4.0's own schema."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).parents[2]
Z2JH_SCHEMA = REPO.parent / "shared" / "z2jh" / "values.schema.yaml"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed (it comes with the test dependencies)"
    return found


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_the_dockerfile_is_clean_under_hadolint():
    done = subprocess.run(
        [tool("hadolint"), str(REPO / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_images_are_pinned_and_run_as_non_root():
    lines = (REPO / "Dockerfile").read_text().splitlines()
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert bases and all(":" in base and not base.endswith(":latest") for base in bases)
    stages = "\n".join(lines).split("\nFROM ")[1:]
    final = {stage.split()[2]: stage for stage in stages if " AS " in stage.split("\n")[0]}
    for name in ("hub", "singleuser"):
        users = [line.split()[1] for line in final[name].splitlines() if line.startswith("USER ")]
        assert users and users[-1] not in ("0", "root"), f"the {name} image ends as root"


def test_the_conda_environment_lists_the_runtime_dependencies_of_pyproject():
    project = pyproject()["project"]
    wanted = {Requirement(r) for r in project["dependencies"]}
    wanted |= {Requirement(r) for r in project["optional-dependencies"]["hub"]}
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    listed = {
        Requirement(entry.replace(" ", ""))
        for entry in environment["dependencies"]
        if isinstance(entry, str) and entry not in ("pip",) and not entry.startswith("python")
    }
    by_name = {r.name: str(r.specifier) for r in listed}
    for requirement in wanted:
        assert by_name.get(requirement.name) == str(requirement.specifier), requirement
    python = next(e for e in environment["dependencies"] if str(e).startswith("python"))
    assert python.removeprefix("python") == project["requires-python"]


def test_yaml_files_are_yamllint_clean():
    done = subprocess.run(
        [tool("yamllint"), "-s", "-c", str(REPO / ".yamllint.yaml"), "helm", "environment.yml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def values() -> dict:
    return yaml.safe_load((REPO / "helm" / "values.yaml").read_text())


def without_required(schema):
    """A schema for values merged over the chart's defaults: nothing is required of them,
    but every key must still exist in the schema and have the right type."""
    if isinstance(schema, dict):
        return {k: without_required(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [without_required(v) for v in schema]
    return schema


@pytest.mark.skipif(not Z2JH_SCHEMA.exists(), reason=f"{Z2JH_SCHEMA} is not beside the repo")
def test_the_jupyterhub_values_fit_zero_to_jupyterhub_4_4_0():
    schema = without_required(yaml.safe_load(Z2JH_SCHEMA.read_text()))
    jsonschema.validate(values()["jupyterhub"], schema)
    broken = copy.deepcopy(values()["jupyterhub"])
    broken["hub"]["extraEnvs"] = broken["hub"].pop("extraEnv")  # a typo is refused
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_values_fit_the_charts_own_schema():
    schema = json.loads((REPO / "helm" / "values.schema.json").read_text())
    jsonschema.validate(values(), schema)
    wrong = copy.deepcopy(values())
    wrong["dashboard"]["checkinEnv"] = "staging"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)


def test_the_chart_depends_on_zero_to_jupyterhub_4_4_0():
    chart = yaml.safe_load((REPO / "helm" / "Chart.yaml").read_text())
    (dependency,) = chart["dependencies"]
    assert (dependency["name"], dependency["version"]) == ("jupyterhub", "4.4.0")


def test_the_hub_takes_its_secrets_from_the_existing_secret_and_matches_our_values():
    mine, hub = values()["dashboard"], values()["jupyterhub"]["hub"]
    env = hub["extraEnv"]
    for name in ("EGI_CHECKIN_CLIENT_ID", "EGI_CHECKIN_CLIENT_SECRET", "JUPYTERHUB_CRYPT_KEY"):
        reference = env[name]["valueFrom"]["secretKeyRef"]  # never a literal
        assert reference["name"] == mine["existingSecret"]
    assert env["EGI_CHECKIN_ENV"] == mine["checkinEnv"]
    assert env["JUPYTERHUB_OAUTH_CALLBACK_URL"] == f"{mine['publicUrl']}/hub/oauth_callback"
    assert env["EGI_ALLOWED_ENTITLEMENTS"] == " ".join(mine["allowedEntitlements"])
    assert env["EGI_ADMIN_ENTITLEMENTS"] == " ".join(mine["adminEntitlements"])
    single = values()["jupyterhub"]["singleuser"]
    assert single["extraEnv"]["EOSC_PERF_API_URL"] == mine["apiUrl"]
    assert single["defaultUrl"] == "/dashboard/"
    config = "\n".join(hub["extraConfig"].values())
    assert "checkin.configure(" in config  # the same code as hub_config/, not a copy


def test_the_chart_hub_configuration_runs(monkeypatch):
    """The chart's extraConfig, run as Zero to JupyterHub runs it, configures the hub."""
    from traitlets.config import Config

    for name, value in {
        "EGI_CHECKIN_CLIENT_ID": "id",
        "EGI_CHECKIN_CLIENT_SECRET": "secret",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": "https://dashboard.example.org/hub/oauth_callback",
    }.items():
        monkeypatch.setenv(name, value)
    c = Config()
    for code in values()["jupyterhub"]["hub"]["extraConfig"].values():
        exec(code, {"c": c})
    assert c.GenericOAuthenticator.client_secret == "secret"
    assert c.Spawner.default_url == "/dashboard/"
    roles = {role["name"]: role["scopes"] for role in c.JupyterHub.load_roles}
    assert "admin:auth_state!user" in roles["server"]
