"""``python -m amo_data`` — see amo_data.cli."""

import os
import sys

from .cli import main

code = main()
# Every command has closed its store and written its output: end the process at once. The
# interpreter's own shutdown would flush the output again (an English error when it goes into
# a pipe that `head` has closed) and free the objects of a big import one by one.
try:
    sys.stdout.flush()
    sys.stderr.flush()
except OSError:  # output piped into `head` and closed, or gone: nothing more to say
    pass
os._exit(code)
