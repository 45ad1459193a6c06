"""The pytest plugin (entry point `pytest11`): the `training_state` fixture.

    def test_my_loop(training_state):
        model = build_model()
        training_state.check(model, train_step, eval_step, batch)
        # or, for a compiled model: training_state.check_fit(model, x, y)

A wrong mode fails the test with the checker's report: each layer, and whether the
train step or the eval step put it there. TensorFlow is imported only when a test
uses the fixture: pytest loads this module in every run of every suite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from training_state_check import Report


class TrainingState:
    """What the fixture gives a test: the checker, failing the test on a wrong mode."""

    def check(
        self, model: Any, train_step: Any, eval_step: Any, batch: Any, **kw: Any
    ) -> Report:
        """check_training_state; a wrong mode fails the test with the report."""
        from training_state_check import check_training_state

        return self._judge(
            check_training_state, model, train_step, eval_step, batch, **kw
        )

    def check_fit(self, model: Any, x: Any, y: Any, **kw: Any) -> Report:
        """check_fit; a wrong mode fails the test with the report."""
        from training_state_check import check_fit

        return self._judge(check_fit, model, x, y, **kw)

    @staticmethod
    def _judge(check: Any, *args: Any, **kw: Any) -> Report:
        try:
            return check(*args, **kw)
        except AssertionError as exc:
            message = str(exc)  # failed outside the except: no chained traceback
        pytest.fail(message, pytrace=False)


@pytest.fixture
def training_state() -> TrainingState:
    """Check a model's train and eval steps: `training_state.check(model, train_step,
    eval_step, batch)` or `training_state.check_fit(model, x, y)`."""
    return TrainingState()
