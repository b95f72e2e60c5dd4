"""cramps: a symptom checker for nocturnal leg cramps.

All clinical knowledge lives in rules.yaml; this package is the engine that interprets it and
the front ends and renderings around it.
"""

__version__ = "1.0.0"
