"""The emergency interrupt: which emergency warnings are still open, their
acknowledgement, and the local emergency number its call button dials."""
