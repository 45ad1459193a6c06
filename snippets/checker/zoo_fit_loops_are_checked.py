"""On every shape of the model zoo but the two fine-tuning ones, trained with fit
(evaluated with evaluate and predict), the checker passes; it catches a train_step
that forgets training=True, and, on Keras 3 only, a model whose call has no training
parameter. (zoo_fit_fine_tuning_is_checked.py proves the two fine-tuning shapes.)"""

# Long because: every zoo shape but the fine-tuning two, trained with fit, then a
# forgetful train_step and a call without training on Keras 3, each report counted.

import re

import tensorflow as tf
from models import (
    LOSS,
    SHAPES,
    CustomStepNet,
    MCDropout,
    PinnedUnit,
    build,
    make_batch,
)
from training_state_check import check_fit

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()


class ForgetfulStepNet(CustomStepNet):
    def train_step(self, data):  # its own train_step, which forgets training=True
        x, y = data
        with tf.GradientTape() as tape:
            loss = self.compute_loss(x=x, y=y, y_pred=self(x))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(
            zip(grads, self.trainable_variables, strict=True)
        )
        return {"loss": loss}


class NoTrainingArgNet(CustomStepNet):
    train_step = tf.keras.Model.train_step  # fit's own step

    def call(self, x):  # no `training` parameter
        return self.head(self.drop(tf.nn.relu(self.bn(self.hidden(x)))))


def check(name, builder=None):
    """fit-check a new zoo model; return "passes" or the layers named, by name."""
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    model, (x, y) = build(name, builder), make_batch(name)
    model.compile(optimizer="sgd", loss=LOSS)
    inner = list(model._flatten_layers(include_self=False, recursive=True))
    pinned = [unit.bn for unit in inner if isinstance(unit, PinnedUnit)]
    mc = [layer for layer in inner if isinstance(layer, MCDropout)]
    try:
        check_fit(model, x, y, inference_only=pinned, always_active=mc)  # <-
    except AssertionError as error:
        named = re.findall(r"(\w+ step: \S+) \(", str(error))
        return "caught: " + ", ".join(sorted(set(named)))
    return "passes"


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
# the fine-tuning shapes (a keras.applications base) cost as much as the other five
FINE_TUNING = ("functional_fine_tuning", "subclass_fine_tuning")
LIGHT = [name for name in SHAPES if name not in FINE_TUNING]
results = {name: check(name) for name in LIGHT}
results["forgetful train_step"] = check(
    "custom_train_step", lambda: ForgetfulStepNet(name="net")
)
results["call without training"] = check(
    "custom_train_step", lambda: NoTrainingArgNet(name="net")
)
for name, result in results.items():
    print(f"{name}: {result}")
assert all(results[name] == "passes" for name in LIGHT), results
missed = "train step: batch_normalization, train step: dropout"
assert results["forgetful train_step"] == f"caught: {missed}"
EXPECTED = {"keras2": "passes", "keras3": f"caught: {missed}"}
assert results["call without training"] == EXPECTED["keras2" if keras2 else "keras3"]
