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
issuer = checkin.issuer(env)

c.JupyterHub.authenticator_class = "generic-oauth"
c.JupyterHub.bind_url = env.get("JUPYTERHUB_BIND_URL", "http://127.0.0.1:8000")
c.GenericOAuthenticator.client_id = checkin.secret("EGI_CHECKIN_CLIENT_ID", env)
c.GenericOAuthenticator.client_secret = checkin.secret("EGI_CHECKIN_CLIENT_SECRET", env)
c.GenericOAuthenticator.oauth_callback_url = env.get(
    "JUPYTERHUB_OAUTH_CALLBACK_URL", c.JupyterHub.bind_url.rstrip("/") + "/hub/oauth_callback"
)
# Check-in's endpoints are known; another issuer (a local one in tests) announces its own
found = checkin.discover(issuer) if env.get("EGI_CHECKIN_ISSUER") else checkin.endpoints(issuer)
for name, url in found.items():
    if name != "jwks_url":
        setattr(c.GenericOAuthenticator, name, url)
c.GenericOAuthenticator.scope = checkin.SCOPES
c.GenericOAuthenticator.basic_auth = True  # client_secret_basic, as Check-in clients use
c.GenericOAuthenticator.login_service = "EGI Check-in"
c.GenericOAuthenticator.username_claim = checkin.username
# the hub's groups of a user are their entitlements: allowed and admin groups name them
c.GenericOAuthenticator.manage_groups = True
c.GenericOAuthenticator.auth_state_groups_key = checkin.groups_of

# auth_state keeps the tokens (encrypted with JUPYTERHUB_CRYPT_KEY); the user server
# reads the access token from it. Tokens are refreshed shortly before they expire.
c.Authenticator.enable_auth_state = True
c.GenericOAuthenticator.modify_auth_state_hook = checkin.stamp_expiry
c.GenericOAuthenticator.refresh_user_hook = checkin.refresh_early
# how stale auth_state may get before the hook runs (seconds; tests make it short)
c.Authenticator.auth_refresh_age = int(env.get("EGI_AUTH_REFRESH_AGE", "60"))
c.Authenticator.refresh_pre_spawn = True

allowed = checkin.entitlement_list(env.get("EGI_ALLOWED_ENTITLEMENTS", ""))
if allowed:
    c.GenericOAuthenticator.allowed_groups = allowed
else:
    c.GenericOAuthenticator.allow_all = True
c.GenericOAuthenticator.admin_groups = checkin.entitlement_list(
    env.get("EGI_ADMIN_ENTITLEMENTS", "")
)

c.JupyterHub.load_roles = [
    {
        "name": "user",
        "scopes": [
            "self",  # the default: a user manages their own server
            # a user's own server reads their auth_state (GET /users/{name}); plain GET
            # /user returns a null auth_state (jupyterhub issue 5103)
            "admin:auth_state!user",
        ],
    },
    {
        "name": "server",
        "scopes": [
            "users:activity!user",  # the default: report activity (culling)
            "access:servers!server",  # the default: check who may open this server
            "read:users!user",  # read its own user model, where auth_state is
            "admin:auth_state!user",  # and the tokens in it, for the dashboard
        ],
    },
]

# Each user server opens on the dashboard; JupyterLab stays at /lab.
c.Spawner.default_url = "/dashboard/"
c.Spawner.environment = {
    key: env[key] for key in ("EOSC_PERF_API_URL", "EOSC_PERF_DEMO_IDENTITIES") if key in env
}

if env.get("DASHBOARD_SPAWNER", "local") == "kubernetes":
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
else:
    c.JupyterHub.spawner_class = "simple"  # processes of the hub's own user (development)
