"""Maximum entropy and statistical mechanics (the lecture's Boltzmann distribution, and on).

- :func:`maxent` -- the maximum-entropy distribution over finite values with a mean, variance
  or other moments (Newton on the convex dual; exact where the mean equation is a polynomial);
- :func:`maxent_continuous` -- the same on an interval: exponential, Gaussian, truncated
  exponential (exact), truncated Gaussian (numeric);
- :class:`Canonical` -- the canonical ensemble: Z, U, F, S, C for finite levels and ladders
  (closed-form geometric sums, numeric sums with a tail bound), exact or numeric;
- :func:`logsumexp`, :func:`softmax`, :func:`log_softmax` -- the stable log-partition function
  and Boltzmann/softmax probabilities (defined in :mod:`lagropt.softmax`, shared with the
  regression module).
"""

from ..softmax import log_softmax, logsumexp, softmax
from .canonical import Canonical
from .continuous import ContinuousMaxEnt, maxent_continuous
from .discrete import MaxEntResult, maxent
from .exact import ExactMaxEnt

__all__ = ["Canonical", "maxent", "maxent_continuous", "ContinuousMaxEnt", "MaxEntResult", "ExactMaxEnt", "logsumexp", "softmax", "log_softmax"]
