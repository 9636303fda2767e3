"""``python -m leaf_lsp.lsp [--tcp HOST:PORT]``: run the language server."""

from __future__ import annotations

import argparse

from .server import serve


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve (stdio unless ``--tcp``)."""
    parser = argparse.ArgumentParser(prog="python -m leaf_lsp.lsp", description="leaf-lsp language server")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    args = parser.parse_args(argv)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        serve((host or "127.0.0.1", int(port)))
    else:
        serve()


if __name__ == "__main__":
    main()
