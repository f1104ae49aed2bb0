"""Former home of the nbgrader extensions, kept so older ``nbgrader_config.py`` files load.

New configurations name :class:`convlab.grading.execute.GradingExecute` and
:class:`convlab.grading.preprocessors.LimitOutputSize`.
"""

from .grading.execute import GradingExecute as SurvivingExecute
from .grading.preprocessors import LimitOutputSize

__all__ = ["SurvivingExecute", "LimitOutputSize"]
