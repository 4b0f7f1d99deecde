"""The experiment scripts (run as ``python experiments/<name>.py``) and their shared helpers."""
