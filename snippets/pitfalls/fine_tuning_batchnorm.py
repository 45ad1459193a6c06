"""Fine-tuning: a frozen BatchNormalization ignores `training`; base(inputs,
training=False) protects the unfrozen base's statistics on Keras 2 only; keeping the
base's BatchNormalization layers frozen protects them on both."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")

print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
bn = layers.BatchNormalization()
bn.build(x.shape)
bn.trainable = False  # frozen
for training in (True, False):
    out = bn(x, training=training).numpy()
    inference = np.allclose(out, x, atol=1e-2)  # moving mean 0, variance 1: out ~ x
    moved = not np.allclose(bn.moving_mean.numpy(), 0.0)
    print(f"frozen BN, training={training}: inference mode {inference}, moved {moved}")
    assert inference and not moved, "a frozen BatchNormalization should infer"
dropout = layers.Dropout(0.5)
dropout.trainable = False  # changes nothing for Dropout
dropped = float(np.mean(dropout(np.ones((1, 1000)), training=True).numpy() == 0))
print("frozen Dropout, training=True: drops about half:", 0.4 < dropped < 0.6)
assert 0.4 < dropped < 0.6


def build():
    """A small base standing in for a pretrained model, and a new head on top."""
    base = tf.keras.Sequential(
        [tf.keras.Input(shape=(8,)), layers.Dense(8), layers.BatchNormalization()]
    )
    inputs = tf.keras.Input(shape=(8,))
    features = base(inputs, training=False)  # flip-safe: Keras 3 ignores it (the claim)
    head_bn = layers.BatchNormalization()
    outputs = layers.Dense(1)(layers.Dropout(0.2)(head_bn(features)))
    return base, head_bn, tf.keras.Model(inputs, outputs)


def train(model, base, head_bn):
    """Three training steps; True if the base's BN moving mean stayed put."""
    before = base.layers[1].moving_mean.numpy().copy()
    head_before = head_bn.moving_mean.numpy().copy()
    optimizer = tf.keras.optimizers.SGD(0.01)  # a fresh one: the trainable set changed
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    assert not np.allclose(head_before, head_bn.moving_mean.numpy()), "head trains"
    return np.allclose(before, base.layers[1].moving_mean.numpy())


base, head_bn, model = build()
base.trainable = False  # 1. train the new head only
frozen_kept = train(model, base, head_bn)
base.trainable = True  # 2. fine-tune everything
unfrozen_kept = train(model, base, head_bn)
print("base frozen:   its BN moving stats kept:", frozen_kept)
print("base unfrozen: its BN moving stats kept:", unfrozen_kept)
assert frozen_kept, "trainable=False alone protects the frozen base"
assert unfrozen_kept is keras2, "Keras 3 replaces the build-time training=False"

base, head_bn, model = build()
base.trainable = True  # the fix: fine-tune the base...
for layer in base.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.trainable = False  # ...but keep its BatchNormalization layers frozen
kernel = base.layers[0].kernel.numpy().copy()
fixed_kept = train(model, base, head_bn)
kernel_trained = not np.allclose(kernel, base.layers[0].kernel.numpy())
print("fix, BN frozen: base Dense trained:", kernel_trained, "| BN kept:", fixed_kept)
assert kernel_trained and fixed_kept
