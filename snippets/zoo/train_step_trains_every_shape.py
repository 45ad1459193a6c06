"""model(x, training=True) in a train step trains every zoo shape: BatchNormalization
updates its moving statistics, Dropout and RNN dropout drop, augmentation augments;
only frozen or pinned BatchNormalization keeps its statistics. On Keras 3 this needs
the subclass rule: a block whose `call` does not pass `training` on breaks it."""

import tensorflow as tf
from models import LOSS, SHAPES, Block, ResidualNet, build, make_batch
from observe import record, row

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"


def one_training_step(model, x, y):
    if "train_step" in type(model).__dict__:  # its own train_step, run by fit
        return model.fit(x, y, batch_size=len(x), verbose=0)  # <-
    with tf.GradientTape() as tape:  # otherwise a train step of our own
        loss = LOSS(y, model(x, training=True))  # <-
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer = tf.keras.optimizers.SGD(0.01)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


class ForgottenBlock(Block):
    def call(self, x):  # <- wrong: no training parameter, nothing passed on
        return x + self.drop(self.second(self.first(x)))  # `first` pins its BN


ACTIVE = ("BN", "Dropout", "MC dropout", "RNN dropout", "augmentation")
print("one training step; BN: moving statistics updated, others: output random")
print("(kept BN = frozen or pinned on purpose; - = no such layer)")
print(row("shape"))
models = {name: build(name) for name in SHAPES}
models["nested_forgotten"] = build(  # nested_blocks, its blocks breaking the rule
    "nested_blocks", lambda: ResidualNet(block=ForgottenBlock)
)
trained = {}
for name, model in models.items():
    x, y = make_batch("nested_blocks" if name == "nested_forgotten" else name)
    facts = record(model, lambda: one_training_step(model, x, y))
    print(row(name, facts))
    assert not any(facts.get("kept BN", [])), f"{name}: frozen or pinned BN updated"
    trained[name] = all(all(facts.get(k, [])) for k in ACTIVE)
# every BN and random layer trains in the step, on every shape. Keras 3: behind the
# pinned BN, a block that does not pass training on runs the rest of its layers in
# inference mode; Keras 2 passes the mode down by itself
EXPECTED = {"Keras 3": False, "Keras 2": True}  # does nested_forgotten train them all?
assert trained == {**dict.fromkeys(SHAPES, True), "nested_forgotten": EXPECTED[flavour]}
