"""The abstract interpreter: runs a module's ``ast`` on abstract values (see :mod:`.core`).

``infer(tree, text, path, settings) -> Inference`` is its whole interface to the engine.
"""

from .core import infer
from .result import Inference, InitAssign
from .state import AnalysisCancelled

__all__ = ["AnalysisCancelled", "InitAssign", "Inference", "infer"]
