"""On every shape of the model zoo, the checker passes the correct loop and catches a
train step that forgets training=True, naming the layers in the wrong mode; it also
catches a bare model(x) evaluating the image model, with augmentation in front."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import collections
import pathlib
import re
import sys

import tensorflow as tf

# the zoo's models.py lives in snippets/zoo/ (found from here and from a keras2/ copy)
snippets = next(
    p for p in pathlib.Path(__file__).resolve().parents if p.name == "snippets"
)
sys.path.append(str(snippets / "zoo"))
from models import (  # noqa: E402  # noqa: E402
    LOSS,
    SHAPES,
    CustomStepNet,
    MCDropout,
    PinnedUnit,
    all_layers,
    build,
    make_batch,
)
from training_state_check import check_training_state  # noqa: E402

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


def train_step(model, forget):
    """One training step on a batch: through fit for a model with its own train_step,
    else a GradientTape step calling model(x, training=True), or model(x) if forget."""
    if isinstance(model, CustomStepNet):
        return lambda batch: model.fit(*batch, batch_size=len(batch[0]), verbose=0)
    optimizer = tf.keras.optimizers.SGD(0.01)

    def step(batch):
        x, y = batch
        with tf.GradientTape() as tape:
            logits = model(x) if forget else model(x, training=True)
            loss = LOSS(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    return step


def eval_step(model, bare):
    """An evaluation step: model(x, training=False), or a bare model(x) if bare."""

    def step(batch):
        return model(batch[0]) if bare else model(batch[0], training=False)

    return step


def fresh(name):
    """A new zoo model, built; its layers get short names, the same on every run."""
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    if name == "custom_train_step_forgetful":  # the checker's first eval step builds it
        model = ForgetfulStepNet(name=name)
        model.compile(optimizer="sgd", loss=LOSS)
        return model
    return build(name)


def check(model, train, evaluate, batch):
    """Run the checker; return "passes" or the kinds of the layers it named."""
    pinned = [unit.bn for unit in all_layers(model) if isinstance(unit, PinnedUnit)]
    mc = [layer for layer in all_layers(model) if isinstance(layer, MCDropout)]
    try:
        check_training_state(
            model, train, evaluate, batch, inference_only=pinned, always_active=mc
        )
    except AssertionError as error:
        named = re.findall(r"step: (\S+) \((\w+)", str(error))  # name (kind
        names = {layer.name for layer in all_layers(model)}
        assert all(n in names for n, _ in named), "each problem names a model layer"
        kinds = collections.Counter(kind for _, kind in named)
        return "caught: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return "passes"


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
results = {}
for name in SHAPES:
    batch = make_batch(name)
    model = fresh(name)
    right = check(model, train_step(model, False), eval_step(model, False), batch)
    if name == "custom_train_step":  # its forgetful variant is another class
        model = fresh("custom_train_step_forgetful")
    forgot = check(model, train_step(model, True), eval_step(model, False), batch)
    results[name] = right, forgot
    print(f"{name}\n  right loop: {right}\n  train step model(x): {forgot}")
assert all(right == "passes" for right, _ in results.values()), results
assert all(forgot.startswith("caught") for _, forgot in results.values()), results

# a bare model(x) to evaluate the image model, with augmentation in front, is caught
model, batch = fresh("image_augmented"), make_batch("image_augmented")
bare = check(model, train_step(model, False), eval_step(model, True), batch)
print(f"image_augmented, eval step model(x): {bare}")
assert bare.startswith("caught"), (
    "a bare eval call should be caught behind augmentation"
)
