"""`haven serve`: build, serve, watch, rebuild, reload - the only place build, watcher and server meet.

The server is a thin shell around a builder callable (DESIGN.md section 3, house rule 5):
`watcher.py` only flags changes, `loop.py` debounces and builds, `server.py` serves the output
folder and the live-reload events, `reload.js` reloads pages and shows errors in them, and
`preview.py` wires them together.
"""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path
from typing import Any, TextIO

from generator.serve.preview import Preview
from generator.serve.server import PortInUse, is_loopback
from generator.serve.shutdown import Shutdown

__all__ = ["Preview", "serve"]

EXIT_OK, EXIT_USAGE = 0, 2


def serve(args: Any, out_dir: Path) -> int:
    """Run the preview until Ctrl-C or SIGTERM; the exit status (0 after a clean stop, 2 on usage errors).

    Any number of SIGINT/SIGTERM, in any order and at any moment, end it within `STOP_DEADLINE` seconds
    of the first (see `shutdown.py`)."""
    err = sys.stderr
    shutdown = Shutdown()
    shutdown.install()
    try:
        return _run(args, out_dir, shutdown, err)
    except KeyboardInterrupt:  # a signal before the preview existed: nothing to stop
        print("\nhaven: stopped", file=err)
        return EXIT_OK
    finally:
        shutdown.restore()


def _run(args: Any, out_dir: Path, shutdown: Shutdown, err: TextIO) -> int:
    try:
        preview = Preview(args.site, out_dir, host=args.host, port=args.port, drafts=args.drafts)
    except PortInUse as exc:
        print(f"haven: error: {exc.strerror}", file=err)
        return EXIT_USAGE
    except OSError as exc:
        print(f"haven: error: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}", file=err)
        return EXIT_USAGE
    if not is_loopback(args.host):
        print(f"haven: warning: serving on {args.host}, so other computers on your network can open the preview "
              "(drafts included); use this only on a network you trust", file=err)
    print("haven: the search index is not built while previewing (the search page works after `haven build`)",
          file=err)
    try:
        first = preview.start()
        if first.usage_error:
            print(f"haven: error: {first.usage_error}", file=err)
            return EXIT_USAGE
        print(f"haven: serving {preview.url} - edits to articles/, pages/, templates/, static/, data/, locales/ and "
              "site.yaml rebuild it; Ctrl-C stops", file=err)
        if getattr(args, "open", False):
            webbrowser.open(preview.url)
        shutdown.wait()
    except KeyboardInterrupt:
        print(file=err)
    print("haven: stopping", file=err)
    shutdown.stop_within(preview.stop)
    print("haven: stopped", file=err)
    return EXIT_OK
