"""`python -m lambda_leak` is the same as the `lambda-leak` command."""

from lambda_leak.cli import run

if __name__ == "__main__":  # not when a worker process (spawn) imports this module
    run()
