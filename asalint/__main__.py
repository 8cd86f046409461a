"""`python -m asalint`: the same entry point as the `asalint` script."""

from asalint.cli import main

if __name__ == "__main__":
    main()
