"""The phrasing generator's content: slot values shared by all languages and one module per language.

Each language module defines ``FAMILIES`` (label key -> family name -> templates) and ``LEXICON``
(the words its slots need: operator words, number words, conjunction, contents, subjects).
"""
