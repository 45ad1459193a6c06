"""Keras 3 (tf.keras in TF >= 2.16) has no set_learning_phase: the learning-phase
recipe cannot run there."""

import tensorflow as tf

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
has_it = hasattr(tf.keras.backend, "set_learning_phase")
print("backend has set_learning_phase:", has_it)
try:
    tf.keras.backend.set_learning_phase(1)  # flip-safe: any argument raises, it is gone
except AttributeError as error:
    print("calling it raises:", type(error).__name__)
else:
    raise AssertionError("set_learning_phase should not exist on Keras 3")
