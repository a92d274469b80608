"""Runs scripts/peer/platform.k through kcl-lib (PyPI) and writes its YAML to stdout."""
import sys

import kcl_lib.api as api

n = sys.argv[1]
path = sys.argv[2] if len(sys.argv) > 2 else __file__.replace("run_kcl.py", "platform.k")
args = api.ExecProgramArgs(k_filename_list=[path], args=[api.Argument(name="n", value=n)])
result = api.API().exec_program(args)
if result.err_message:
    sys.exit(result.err_message)
sys.stdout.write(result.yaml_result)
