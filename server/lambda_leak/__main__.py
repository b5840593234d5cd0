"""`python -m lambda_leak` is the same as the `lambda-leak` command."""

import sys

from lambda_leak.cli import main

sys.exit(main())
