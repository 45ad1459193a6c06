"""Keras 2 (tf_keras): for every model style, learning phase and `training` value,
BatchNormalization and Dropout train exactly when the rule says: an explicit
True/False wins, otherwise the learning phase, otherwise inference."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import warnings

import numpy as np
import tensorflow as tf

warnings.filterwarnings("ignore", message=".*set_learning_phase.*deprecated")
tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")
layers = tf.keras.layers


def sequential():
    return tf.keras.Sequential([
        tf.keras.Input(shape=data.shape[1:]),
        layers.Conv2D(16, 3),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
    ])


def functional():
    inputs = tf.keras.Input(shape=data.shape[1:])
    outputs = layers.Dropout(0.5)(
        layers.BatchNormalization()(layers.Conv2D(16, 3)(inputs))
    )
    return tf.keras.Model(inputs, outputs)


class Subclass(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(16, 3)
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs):  # no `training` parameter
        return self.drop(self.bn(self.conv(inputs)))


def run(model, kwargs):
    """Call `model` once; return (BN updated its moving mean, Dropout dropped units)."""
    model.build(data.shape)
    bn = next(
        layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)
    )
    before = bn.moving_mean.numpy().copy()
    out = model(data, **kwargs).numpy()
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out == 0.0) > 0.25)
    return bn_updated, dropped


def expected_training(phase, training):
    if training is not None:  # an explicit True/False wins
        return training
    if phase is not None:  # otherwise the learning phase, if one was set
        return phase == 1
    return False  # otherwise inference


builders = {"Sequential": sequential, "Functional": functional, "Subclass": Subclass}
yes_no = {True: "yes", False: "no"}
print("| style      | learning phase | training | BN updated | Dropout dropped |")
print("|------------|----------------|----------|------------|-----------------|")
for phase in [None, 1, 0]:
    tf.keras.backend.clear_session()  # also forgets any learning phase set before
    if phase is not None:
        tf.keras.backend.set_learning_phase(phase)
    for style, build in builders.items():
        for training in ["omitted", None, True, False]:
            kwargs = {} if training == "omitted" else {"training": training}
            bn_updated, dropped = run(build(), kwargs)
            phase_text = "unset" if phase is None else str(phase)
            print(
                f"| {style:<10} | {phase_text:<14} | {str(training):<8} | "
                f"{yes_no[bn_updated]:<10} | {yes_no[dropped]:<15} |"
            )
            want = expected_training(phase, None if training == "omitted" else training)
            assert bn_updated == dropped == want, (style, phase, training)
