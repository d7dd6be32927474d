# JupyterHub with EGI Check-in login, each user landing on the EOSC Performance Dashboard.
#
# Every secret comes from the environment or a mounted file, never from this file:
#   EGI_CHECKIN_CLIENT_ID[_FILE], EGI_CHECKIN_CLIENT_SECRET[_FILE]  the OIDC client
#   JUPYTERHUB_CRYPT_KEY                                            encrypts auth_state
# Settings:
#   EGI_CHECKIN_ENV            production (default) | demo | development
#   EGI_CHECKIN_ISSUER         any other OIDC issuer instead (e.g. a local one in tests)
#   EGI_ALLOWED_ENTITLEMENTS   only users holding one of these entitlements may log in
#                              (empty: every Check-in user)
#   EGI_ADMIN_ENTITLEMENTS     hub administrators, by entitlement
#   DASHBOARD_SPAWNER          local (default: processes on this machine) | kubernetes
#   JUPYTERHUB_BIND_URL        where the hub listens (default http://127.0.0.1:8000)
#   EGI_AUTH_REFRESH_AGE       seconds before the hub checks a user's tokens again (60)
#   EOSC_PERF_API_URL          passed on to the dashboard in each user server
# The Check-in logic itself lives in dashboard.hub.checkin, shared with the Helm chart.

import os

from dashboard.hub import checkin

c = get_config()  # noqa: F821 (JupyterHub provides it)

env = os.environ

c.JupyterHub.bind_url = env.get("JUPYTERHUB_BIND_URL", "http://127.0.0.1:8000")
# Login, tokens, admins and roles: the same for this hub and the Helm chart's.
checkin.configure(
    c,
    env,
    callback_url=env.get(
        "JUPYTERHUB_OAUTH_CALLBACK_URL", c.JupyterHub.bind_url.rstrip("/") + "/hub/oauth_callback"
    ),
)

c.Spawner.environment = {
    key: env[key] for key in ("EOSC_PERF_API_URL", "EOSC_PERF_DEMO_IDENTITIES") if key in env
}

if env.get("DASHBOARD_SPAWNER", "local") == "kubernetes":
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
else:
    c.JupyterHub.spawner_class = "simple"  # processes of the hub's own user (development)
