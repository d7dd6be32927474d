"""Running behind JupyterHub: the hub's side (:mod:`.checkin`) and the user server's side."""
