"""Lesson 04: chunking — experts compress game states.

Middle-game positions from historical master games (`data`), a learner that builds a vocabulary
of piece-on-square chunks from them (`chunks`), the 5-second recall task (`recall`), chunks and a
small neural model as codes (`compression`), the shipped models' configs (`presets`), the
lesson's experiments and benchmark (`analysis`) and the interactive views (`widgets`).
"""
