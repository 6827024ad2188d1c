"""What the command line needs around the commands: help laid out in display columns with
Chinese headings, usage errors in Chinese, progress bars on a terminal's stderr."""
