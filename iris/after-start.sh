#!/bin/sh
# Runs inside the docker compose `iris` container once IRIS is up (iris-main -a, see
# docker-compose.yml): makes the instance usable by the iris-native and iris-pgwire targets.
#  1. Unexpire the predefined accounts' passwords — a fresh IRIS container forces a password
#     change at first login, which the Native SDK and the gateway cannot do.
#  2. If PB_IRIS_PASSWORD differs from the default SYS, set it for _SYSTEM and SuperUser.
#  3. Load and compile PathBench.SQL (iris/PathBench.SQL.cls) into USER.
#  4. Touch /tmp/pathbench-ready, which the health check waits for.
set -eu
iris session IRIS -U %SYS <<'OBJECTSCRIPT'
 do ##class(Security.Users).UnExpireUserPasswords("*")
 set pwd = $SYSTEM.Util.GetEnviron("PB_IRIS_PASSWORD")
 if (pwd '= "") && (pwd '= "SYS") { for user = "_SYSTEM", "SuperUser" { kill p  set p("Password") = pwd, p("ChangePassword") = 0  set sc = ##class(Security.Users).Modify(user, .p)  if 'sc { do $SYSTEM.Status.DisplayError(sc)  do $SYSTEM.Process.Terminate(, 1) } } }
 halt
OBJECTSCRIPT
iris session IRIS -U USER <<'OBJECTSCRIPT'
 set sc = $SYSTEM.OBJ.Load("/pathbench/iris/PathBench.SQL.cls", "ck-d")
 if 'sc { do $SYSTEM.Status.DisplayError(sc)  do $SYSTEM.Process.Terminate(, 1) }
 halt
OBJECTSCRIPT
touch /tmp/pathbench-ready
echo "pathbench: IRIS ready (passwords unexpired, PathBench.SQL loaded into USER)"
