"""model(x, training=True) in a train step trains every zoo shape: BatchNormalization
updates its moving statistics, Dropout and RNN dropout drop, augmentation augments;
only frozen or pinned BatchNormalization keeps its statistics. On Keras 3 this needs
the subclass rule: a block whose `call` does not pass `training` on breaks it."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import tensorflow as tf
from models import LOSS, SHAPES, Block, ResidualNet, build, cell, make_batch, record

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # Keras 3 has keras.version()


def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = LOSS(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


def one_training_step(model, x, y):
    if "train_step" in type(model).__dict__:  # its own train_step, run by fit
        model.fit(x, y, batch_size=len(x), verbose=0)
    else:
        train_step(model, tf.keras.optimizers.SGD(0.01), x, y)


class ForgottenBlock(Block):
    def call(self, x):  # wrong: no training parameter, nothing passed on
        h = self.first(x)  # its first unit pins its BN with training=False
        h = self.second(h)
        return x + self.drop(h)


class ForgottenNet(ResidualNet):  # nested_blocks with blocks that break the rule
    block_type = ForgottenBlock


ACTIVE = ("BN", "Dropout", "MC dropout", "RNN dropout", "augmentation")
HEADS = ("kept BN", "BN", "Dropout", "MC drop", "RNN drop", "augment")
print("one training step; BN: moving statistics updated, others: output random")
print("(kept BN = frozen or pinned on purpose; - = no such layer)")
print(f"{'shape':<23}" + "".join(f"{k:>9}" for k in HEADS))
models = {name: build(name) for name in SHAPES}
models["nested_forgotten"] = build("nested_blocks", ForgottenNet)
trained = {}
for name, model in models.items():
    x, y = make_batch("nested_blocks" if name == "nested_forgotten" else name)
    facts = record(model, lambda: one_training_step(model, x, y))
    row = [cell(facts.get(k, [])) for k in ("kept BN", *ACTIVE)]
    print(f"{name:<23}" + "".join(f"{v!s:>9}" for v in row))
    assert not any(facts.get("kept BN", [])), f"{name}: frozen or pinned BN updated"
    trained[name] = all(all(facts.get(k, [])) for k in ACTIVE)
for name in SHAPES:
    assert trained[name], f"{name}: every BN and random layer should train in the step"
assert trained["nested_forgotten"] is keras2, (
    "Keras 3: behind the pinned BN, a block that does not pass training on runs the "
    "rest of its layers in inference mode; Keras 2 passes the mode down by itself"
)
