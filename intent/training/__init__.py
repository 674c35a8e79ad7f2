"""What trains the intent model, kept apart from what the server runs (nothing outside
``intent.training``, ``evals`` and ``tests`` imports it, and the wheel leaves it out).

``phrasings`` generates the training and held-out requests from the data in ``phrasebook/``
(``common.yaml`` and one YAML file per language), ``train`` builds ``intent/intent_model.json``,
``evaluate`` scores it, ``build_places`` rebuilds ``intent/data/places.json``.
"""
