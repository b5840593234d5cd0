"""`python -m lambda_leak` is the same as the `lambda-leak` command."""

import sys

from lambda_leak.cli import main

if __name__ == "__main__":  # not when a worker process (spawn) imports this module
    sys.exit(main())
