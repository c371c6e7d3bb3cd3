"""The active set's Cholesky factor, updated as coefficients enter and leave
(lagropt/regression/quadratic.py: _ActiveCholesky): after any sequence of changes it is the
lower-triangular factor, with a positive diagonal, of Q restricted to the active set in the
factor's order, checked against Q itself and against numpy.linalg.solve."""

import numpy as np
import pytest

from lagropt.regression.quadratic import _ActiveCholesky

rng = np.random.default_rng(3)
B = rng.normal(size=(60, 40))
Q = B.T @ B


def _check(factor):
    A = factor.order
    L = factor.L
    assert np.array_equal(L, np.tril(L)) and (np.diag(L) > 0).all()
    assert np.abs(L @ L.T - Q[np.ix_(A, A)]).max() <= 1e-12 * np.abs(Q).max()
    b = rng.normal(size=len(A))
    expected = np.linalg.solve(Q[np.ix_(A, A)], b)
    assert np.abs(factor.solve(b) - expected).max() <= 1e-10 * np.abs(expected).max()


@pytest.mark.parametrize("seed", range(5))
def test_random_enter_and_leave_sequences(seed):
    moves = np.random.default_rng(seed)
    factor = _ActiveCholesky(Q)
    assert factor.start(moves.choice(40, 6, replace=False))
    for _ in range(40):
        inactive = [j for j in range(40) if j not in factor.order]
        if factor.order and (moves.random() < 0.4 or not inactive):
            factor.drop(int(moves.choice(factor.order)))
        else:
            assert factor.add(int(moves.choice(inactive)))
        if factor.order:
            _check(factor)


def test_a_singular_set_is_refused():
    R = rng.normal(size=(9, 8))
    R[:, 5] = 0.0                         # coefficient 5 does not enter the data term: Q55 = 0
    factor = _ActiveCholesky(R.T @ R)
    assert factor.start(range(5))
    assert not factor.add(5)              # pivot Q55 - l^T l = 0 exactly
    assert factor.order == [0, 1, 2, 3, 4]
    assert not _ActiveCholesky(R.T @ R).start(range(7))
