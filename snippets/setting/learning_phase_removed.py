"""Keras 3: set_learning_phase, learning_phase and learning_phase_scope no longer
exist, not even under tf.compat.v1.keras.backend; calling set_learning_phase raises
AttributeError."""

import tensorflow as tf

try:
    tf.keras.backend.set_learning_phase(1)  # <- flip-safe: gone, whatever the argument
except AttributeError as err:  # <-
    raised = type(err).__name__
else:
    raised = "nothing"
print(f"tf.keras.backend.set_learning_phase(1) raised: {raised}")
assert raised == "AttributeError"

for module_name, module in [
    ("tf.keras.backend", tf.keras.backend),
    ("tf.compat.v1.keras.backend", tf.compat.v1.keras.backend),
]:
    for name in ["set_learning_phase", "learning_phase", "learning_phase_scope"]:
        exists = hasattr(module, name)  # <-
        print(f"{module_name + '.' + name:<48} exists: {exists}")
        assert not exists, name
