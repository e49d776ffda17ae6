"""Inbound HTTP routes: Sage 50's approval and notification URLs."""

from . import sage50
