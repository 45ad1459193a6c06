"""One cell of the atlas, reproduced: run a model written one way, called another way,
and print what each observed layer did. Without arguments: `fit` on a subclass whose
`call` has no `training` parameter, where the flavours disagree."""

import argparse

import tensorflow as tf
from grid import CALLS, FRONTS, STYLES, cell

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--call", choices=CALLS, default="fit")
parser.add_argument("--style", choices=STYLES, default="subclass without training")
parser.add_argument("--front", choices=FRONTS, default="nothing")
args = parser.parse_args()

found = cell(args.call, args.style, args.front)  # <-
for layer, label in found.items():
    print(f"{layer:15} {label}")

if (args.call, args.style, args.front) == ("fit", STYLES[3], FRONTS[0]):
    keras2 = not hasattr(tf.keras, "version")
    # Keras 3 calls such a model bare in fit: nothing trains; Keras 2 passes True
    expected = "trains" if keras2 else "inference"
    assert found["bn"] == expected, found
    assert found["dropout"] == ("active" if keras2 else "idle"), found
