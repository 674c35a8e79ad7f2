"""The learned intent model for the built-in tools: which tool(s) a request needs, or none.

``intent.phrasings`` generates the training and held-out requests, ``intent.train`` builds the
artefact, ``intent.model`` serves it (numpy only) and ``intent.evaluate`` scores it.
"""
