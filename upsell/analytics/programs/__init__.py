"""The progress of each member of a sales program, and the stock guaranteed to it."""

from upsell.analytics.programs.contracts import ProgramKind
from upsell.analytics.programs.progress import program_progress
from upsell.analytics.programs.stock import stock_consumption

__all__ = ["ProgramKind", "program_progress", "stock_consumption"]
