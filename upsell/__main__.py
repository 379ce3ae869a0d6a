"""The ``upsell`` console script: ``upsell <command>`` is ``manage.py <command>``."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upsell.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["upsell", *sys.argv[1:]])


if __name__ == "__main__":
    main()
