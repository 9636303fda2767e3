"""``python -m leaf_lsp.lsp [--tcp HOST:PORT [--tcp-token TOKEN] [--tcp-allow-remote]]``: run the server.

Without arguments it serves stdio directly; with TCP options it goes through the ``leaf-lsp``
command's own checks (loopback only, token, one-line errors), so both entry points behave alike.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve (stdio unless ``--tcp``); exits 2 on a usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        from .server import serve

        serve()
        return
    parser = argparse.ArgumentParser(prog="python -m leaf_lsp.lsp", description="leaf-lsp language server")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP (loopback only) instead of stdio")
    parser.add_argument(
        "--tcp-token", metavar="TOKEN", help="the token a TCP client must present to run code"
    )
    parser.add_argument("--tcp-allow-remote", action="store_true", help="allow a non-loopback HOST")
    parser.parse_args(args)
    from ..cli import main as cli_main

    sys.exit(cli_main(args))


if __name__ == "__main__":
    main()
