"""Not a package of its own: pyproject.toml maps this folder to ``tongbao.command`` so that the
top-level cli.py (the design card's place for the command) installs as ``tongbao.command.cli``."""
