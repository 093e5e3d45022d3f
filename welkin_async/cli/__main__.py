"""``python -m welkin_async.cli``: the same as the ``welkin-async`` command."""

from welkin_async.cli import main

raise SystemExit(main())
