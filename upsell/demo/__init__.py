"""A realistic demo distributor for Upsell, written as the files a company brings.

Pure Python and numpy (an import contract keeps Django out), so benchmarks and tests can call
``generate`` directly.
"""

from upsell.demo.behaviours import Behaviour
from upsell.demo.company import DemoFiles, DemoSummary, generate

__all__ = ["Behaviour", "DemoFiles", "DemoSummary", "generate"]
