"""One module per command; cli.py wires them into the Typer app."""
