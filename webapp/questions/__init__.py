"""Ask what matters: storing the answers to Fossa's questions (into an entry or into
the episode), remembering skips, and the episodes themselves.

The questions are the engine's ``Findings.next_questions``; nothing here decides
what to ask, only what an answer stores and where.
"""
