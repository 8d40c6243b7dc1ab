"""`python -m runner` runs the `imgur-playbook` command."""

import sys

from runner.cli import main

sys.exit(main())
