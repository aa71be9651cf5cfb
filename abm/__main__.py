"""``python -m abm`` behaves like the ``ruimte`` command."""

import sys

from abm.cli import main

sys.exit(main())
