"""The learned intent model for the built-in tools and the argument extractors: what the server
runs to choose a tool (or none) from the user's words and to fill its arguments.

``intent.model`` serves the artefact (numpy only), ``intent.features`` turns a request into its
features, ``intent.extract`` fills a chosen tool's arguments, ``intent.grounding`` derives which
side effects the user's own message asks for. What trains the model (the phrasing generator and
its phrasebook data, training, evaluation) lives in :mod:`intent.training`, which nothing the
server runs imports and the wheel leaves out.
"""
