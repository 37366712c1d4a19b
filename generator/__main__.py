"""`python -m generator` runs the command line, like the `congvan` script."""

from generator.cli import main

if __name__ == "__main__":
    main()
