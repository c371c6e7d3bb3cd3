"""Maximum entropy and statistical mechanics (the lecture's Boltzmann distribution, and on).

- :func:`boltzmann` -- the lecture's derivation for a symbolic number of states I: p_i = 1/I,
  or p_i = e^{-beta eps_i} / Z with Z named, beta = lambda_2, the Hessian -1/p_i and the limits;
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
from .boltzmann_derivation import BoltzmannDerivation, boltzmann
from .canonical import Canonical
from .continuous import ContinuousMaxEnt, maxent_continuous
from .discrete import MaxEntResult, maxent
from .exact import ExactMaxEnt

__all__ = ["boltzmann", "BoltzmannDerivation", "Canonical", "maxent", "maxent_continuous", "ContinuousMaxEnt", "MaxEntResult", "ExactMaxEnt", "logsumexp", "softmax", "log_softmax"]
