"""Property tests: random equality-constrained quadratic programs.

minimize 1/2 x^T Q x + c^T x subject to A x = b, with the reduced Hessian Z^T Q Z positive
definite (Q itself may be indefinite). The lecture's KKT system Q x + c = A^T lambda, A x = b is
linear; NumPy solves it independently of lagropt, and verify() must agree as well.
"""

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lagropt

small = st.integers(min_value=-3, max_value=3)


@st.composite
def qps(draw):
    n = draw(st.integers(min_value=2, max_value=3))
    k = draw(st.integers(min_value=1, max_value=n - 1))
    M = np.array(draw(st.lists(small, min_size=n * n, max_size=n * n)), dtype=float).reshape(n, n)
    shift = draw(st.sampled_from([1, 1, 1, -2]))            # sometimes indefinite Q
    Q = M.T @ M + shift * np.eye(n)
    A = np.array(draw(st.lists(small, min_size=k * n, max_size=k * n)), dtype=float).reshape(k, n)
    b = np.array(draw(st.lists(small, min_size=k, max_size=k)), dtype=float)
    c = np.array(draw(st.lists(small, min_size=n, max_size=n)), dtype=float)
    return Q, A, b, c


def _reduced_min_eig(Q, A):
    _, s, vt = np.linalg.svd(A)
    Z = vt[int((s > 1e-9).sum()):].T
    return np.linalg.eigvalsh(Z.T @ Q @ Z).min()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(qps())
def test_random_equality_qp_matches_linear_kkt_solve(qp):
    Q, A, b, c = qp
    n, k = Q.shape[0], A.shape[0]
    assume(np.linalg.matrix_rank(A) == k)
    assume(_reduced_min_eig(Q, A) > 0.1)
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    X = sp.Matrix(xs)
    Qs, As = sp.Matrix(Q.astype(int)), sp.Matrix(A.astype(int))
    f = (X.T * Qs * X)[0] / 2 + sum(int(ci) * xi for ci, xi in zip(c, xs))
    constraints = [sp.Eq((As * X)[i], int(b[i])) for i in range(k)]
    problem = lagropt.minimize(f, constraints, variables=xs)
    sol = problem.solve(timeout=20)
    assert sol.status == "optimal", (sol.status, sol.message)
    # the lecture's KKT system, solved by NumPy: [Q -A^T; A 0] [x; lambda] = [-c; b]
    K = np.block([[Q, -A.T], [A, np.zeros((k, k))]])
    rhs = np.concatenate([-c, b])
    ref = np.linalg.solve(K, rhs)
    (point,) = sol.optimum
    assert point.exact and point.kind == "minimum"
    got_x = np.array([float(point.x[v]) for v in xs])
    got_l = np.array([float(point.multipliers[m]) for m in problem.multipliers])
    assert np.allclose(got_x, ref[:n], atol=1e-9)
    assert np.allclose(got_l, ref[n:], atol=1e-9)
    report = lagropt.verify(problem, sol)
    assert report.ok, str(report)
