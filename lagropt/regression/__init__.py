"""Regularized regression (in progress)."""
from . import derive
from .linear import (ElasticNet, Lasso, LectureElasticNet, LinearRegression, NonNegative, Ridge,
                     r2_score)
from .logistic import LogisticRegression, SoftmaxRegression
