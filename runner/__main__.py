"""`python -m runner` runs the `imgur-playbook` command."""

from runner.cli import main

main()
