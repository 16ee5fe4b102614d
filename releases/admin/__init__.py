"""The releases app's admin: events and their evidence, and the sanctions ledger."""

from releases.admin import events, ledger

__all__ = ["events", "ledger"]
