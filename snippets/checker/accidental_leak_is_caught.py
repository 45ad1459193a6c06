"""A forgetful model(x) train step whose BatchNormalization trains only because the
RandomFlip's training=True default leaks to it is caught, with the layer named."""

import numpy as np
import tensorflow as tf
from training_state_check import check_training_state

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
batch = rng.uniform(size=(8, 8, 8, 3)).astype("float32"), rng.integers(0, 2, 8)
layers = tf.keras.layers
augment = [tf.keras.Input((8, 8, 3)), layers.RandomFlip("horizontal", name="flip")]
conv_bn = [layers.Conv2D(4, 3, name="conv"), layers.BatchNormalization(name="bn")]
model = tf.keras.Sequential(augment + conv_bn + [layers.Flatten(), layers.Dense(2)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(0.01)


@tf.function
def train_step(data):
    x, y = data
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))  # <- BUG: training=True forgotten
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))


eval_step = tf.function(lambda data: model(data[0], training=False))
print("tf.keras is", "Keras 2" if keras2 else f"Keras {tf.keras.version()}")
try:
    check_training_state(model, train_step, eval_step, batch)  # <-
except AssertionError as error:
    problems = [line.strip() for line in str(error).splitlines()[1:]]
else:
    raise AssertionError("a train step without training=True should be caught")
print("\n".join(problems))
bn_trained = "train step: bn (BatchNormalization) ran in training mode" in problems[0]
bn_idle = "train step: bn (BatchNormalization) ran in inference mode" in problems[0]
assert bn_trained or bn_idle, "the BatchNormalization is named first"
if bn_trained:  # it trained: only through the flip's default, and said so
    assert "only through a `training` default leaked" in problems[0]
    assert not keras2, "Keras 2 keeps a default inside its own layer"
assert not any(p.startswith("eval step") for p in problems), "the eval step is right"
assert not any("(RandomFlip)" in p for p in problems), "the flip augments on its own"
print("bn trained in your step:", bn_trained, "| caught: True")
